"""The trackers' settings, read from the environment, and the clients they make.

Until bot/config.py takes these over, `read_settings(os.environ)` reads them with every problem listed
(like Settings.from_env), and `VARIABLES` documents them for the README table. A tracker is configured
when its credential is set; its webhook secret is needed only to receive its webhooks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from bot.clock import Clock, system_clock
from bot.config import Variable
from bot.domain.action_items import Priority
from bot.domain.tickets import TrackerKind
from bot.outbound.trackers import Tracker
from bot.outbound.trackers.github import API_URL as GITHUB_API_URL
from bot.outbound.trackers.github import GitHubTracker
from bot.outbound.trackers.gitlab import URL as GITLAB_URL
from bot.outbound.trackers.gitlab import GitLabTracker
from bot.outbound.trackers.jira import DEFAULT_PRIORITIES, JiraTracker
from bot.outbound.trackers.linear import API_URL as LINEAR_API_URL
from bot.outbound.trackers.linear import LinearTracker

_JIRA_PRIORITIES = ",".join(f"{p.value}={name}" for p, name in DEFAULT_PRIORITIES.items())

VARIABLES: tuple[Variable, ...] = (
    Variable(
        "JIRA_URL", "(unset)", "Jira site: `https://acme.atlassian.net` (Cloud) or your Data Center URL."
    ),
    Variable(
        "JIRA_EMAIL",
        "(unset)",
        "Cloud: the account's email (with an API token). Data Center: a user name (with its password), "
        "or unset to use a personal access token.",
    ),
    Variable(
        "JIRA_API_TOKEN",
        "(unset)",
        "Cloud API token (id.atlassian.com → Security → API tokens), Data Center password or personal "
        "access token. Needs Browse projects, Create, Edit, Transition and Assign issues, Add comments.",
    ),
    Variable(
        "JIRA_DEPLOYMENT", "from `JIRA_URL`", "`cloud` or `datacenter`; a `*.atlassian.net` URL is Cloud."
    ),
    Variable("JIRA_ISSUE_TYPE", "`Task`", "The issue type tickets are created as."),
    Variable("JIRA_PRIORITIES", f"`{_JIRA_PRIORITIES}`", "Which Jira priority each of P0-P3 becomes."),
    Variable(
        "JIRA_WEBHOOK_SECRET",
        "(unset)",
        "The Secret of the admin webhook (System → WebHooks) pointing at `/trackers/jira`; "
        "Jira signs each delivery with it (`X-Hub-Signature`).",
    ),
    Variable(
        "GITHUB_TOKEN",
        "(unset)",
        "Fine-grained token with Issues: read and write (Metadata: read), or a classic token with `repo`.",
    ),
    Variable(
        "GITHUB_API_URL",
        f"`{GITHUB_API_URL}`",
        "GitHub Enterprise Server: `https://github.example.com/api/v3/`.",
    ),
    Variable(
        "GITHUB_WEBHOOK_SECRET",
        "(unset)",
        "The repository or organization webhook's secret (`X-Hub-Signature-256`); events: Issues.",
    ),
    Variable("GITLAB_URL", f"`{GITLAB_URL}`", "Your GitLab, for self-managed instances."),
    Variable(
        "GITLAB_TOKEN",
        "(unset)",
        "Personal, project or group access token with the `api` scope, Reporter or above.",
    ),
    Variable(
        "GITLAB_WEBHOOK_SECRET",
        "(unset)",
        "The project or group webhook's Secret token (`X-Gitlab-Token`); trigger: Issues events.",
    ),
    Variable(
        "GITLAB_WEBHOOK_SIGNING_TOKEN",
        "(unset)",
        "The webhook's Signing token (`whsec_…`), where your GitLab offers one: deliveries are then "
        "also checked by HMAC and timestamp.",
    ),
    Variable(
        "LINEAR_API_KEY", "(unset)", "Personal API key: Settings → Security & access → Personal API keys."
    ),
    Variable("LINEAR_API_URL", f"`{LINEAR_API_URL}`", "Linear's GraphQL endpoint, for proxies and tests."),
    Variable(
        "LINEAR_WEBHOOK_SECRET",
        "(unset)",
        "The webhook's signing secret (Settings → API → Webhooks), data change events: Issues.",
    ),
)


@dataclass(frozen=True)
class JiraSettings:
    url: str
    token: str
    email: str | None = None
    cloud: bool = True
    issue_type: str = "Task"
    priorities: Mapping[Priority, str] = field(default_factory=lambda: dict(DEFAULT_PRIORITIES))


@dataclass(frozen=True)
class TrackerSettings:
    jira: JiraSettings | None = None
    github_token: str | None = None
    github_api_url: str = GITHUB_API_URL
    gitlab_token: str | None = None
    gitlab_url: str = GITLAB_URL
    linear_api_key: str | None = None
    linear_api_url: str = LINEAR_API_URL
    webhook_secrets: Mapping[TrackerKind, str] = field(default_factory=dict)
    gitlab_signing_token: str | None = None

    @property
    def configured(self) -> tuple[TrackerKind, ...]:
        have = {
            TrackerKind.JIRA: self.jira is not None,
            TrackerKind.GITHUB: bool(self.github_token),
            TrackerKind.GITLAB: bool(self.gitlab_token),
            TrackerKind.LINEAR: bool(self.linear_api_key),
        }
        return tuple(kind for kind, on in have.items() if on)


def _url(env: Mapping[str, str], name: str, default: str, problems: list[str]) -> str:
    value = (env.get(name) or "").strip() or default
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        problems.append(f"{name} must be an http(s) URL, not {value!r}")
    return value


def _priorities(text: str, problems: list[str]) -> dict[Priority, str]:
    found = dict(DEFAULT_PRIORITIES)
    for pair in filter(None, (p.strip() for p in text.split(","))):
        name, sep, value = pair.partition("=")
        if not sep or name.strip().upper() not in Priority.__members__ or not value.strip():
            problems.append(f"JIRA_PRIORITIES: {pair!r} is not P0-P3=<Jira priority name>")
            continue
        found[Priority(name.strip().upper())] = value.strip()
    return found


def read_settings(env: Mapping[str, str]) -> tuple[TrackerSettings, list[str]]:
    """The settings, and every problem with them (empty when all is well)."""
    problems: list[str] = []

    def get(name: str) -> str | None:
        return (env.get(name) or "").strip() or None

    jira = None
    if get("JIRA_URL") or get("JIRA_API_TOKEN"):
        url, token = get("JIRA_URL"), get("JIRA_API_TOKEN")
        if not url or not token:
            problems.append("Jira needs both JIRA_URL and JIRA_API_TOKEN")
        else:
            url = _url(env, "JIRA_URL", url, problems)
            deployment = (get("JIRA_DEPLOYMENT") or "").lower()
            if deployment not in ("", "cloud", "datacenter", "server"):
                problems.append(f"JIRA_DEPLOYMENT must be cloud or datacenter, not {deployment!r}")
            cloud = deployment == "cloud" or (
                not deployment and (urlsplit(url).hostname or "").endswith(".atlassian.net")
            )
            if cloud and not get("JIRA_EMAIL"):
                problems.append("Jira Cloud needs JIRA_EMAIL with the API token")
            jira = JiraSettings(
                url=url,
                token=token,
                email=get("JIRA_EMAIL"),
                cloud=cloud,
                issue_type=get("JIRA_ISSUE_TYPE") or "Task",
                priorities=_priorities(get("JIRA_PRIORITIES") or "", problems),
            )
    secrets = {
        kind: secret
        for kind, name in (
            (TrackerKind.JIRA, "JIRA_WEBHOOK_SECRET"),
            (TrackerKind.GITHUB, "GITHUB_WEBHOOK_SECRET"),
            (TrackerKind.GITLAB, "GITLAB_WEBHOOK_SECRET"),
            (TrackerKind.LINEAR, "LINEAR_WEBHOOK_SECRET"),
        )
        if (secret := get(name)) is not None
    }
    signing = get("GITLAB_WEBHOOK_SIGNING_TOKEN")
    if signing is not None and not signing.startswith("whsec_"):
        problems.append("GITLAB_WEBHOOK_SIGNING_TOKEN must be the whsec_… value GitLab shows")
    settings = TrackerSettings(
        jira=jira,
        github_token=get("GITHUB_TOKEN"),
        github_api_url=_url(env, "GITHUB_API_URL", GITHUB_API_URL, problems),
        gitlab_token=get("GITLAB_TOKEN"),
        gitlab_url=_url(env, "GITLAB_URL", GITLAB_URL, problems),
        linear_api_key=get("LINEAR_API_KEY"),
        linear_api_url=_url(env, "LINEAR_API_URL", LINEAR_API_URL, problems),
        webhook_secrets=secrets,
        gitlab_signing_token=signing,
    )
    return settings, problems


def make_trackers(settings: TrackerSettings, clock: Clock = system_clock) -> dict[TrackerKind, Tracker]:
    """A client for each configured tracker; none makes a network call until used."""
    trackers: dict[TrackerKind, Tracker] = {}
    if settings.jira is not None:
        j = settings.jira
        trackers[TrackerKind.JIRA] = JiraTracker(
            j.url,
            j.token,
            email=j.email,
            cloud=j.cloud,
            issue_type=j.issue_type,
            priorities=j.priorities,
            clock=clock,
        )
    if settings.github_token:
        trackers[TrackerKind.GITHUB] = GitHubTracker(
            settings.github_token, api_url=settings.github_api_url, clock=clock
        )
    if settings.gitlab_token:
        trackers[TrackerKind.GITLAB] = GitLabTracker(
            settings.gitlab_token, url=settings.gitlab_url, clock=clock
        )
    if settings.linear_api_key:
        trackers[TrackerKind.LINEAR] = LinearTracker(
            settings.linear_api_key, api_url=settings.linear_api_url, clock=clock
        )
    return trackers
