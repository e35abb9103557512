"""Blame-shaped wording in postmortem text, and a systemic way to say the same thing.

Names are fine in a timeline; blame is in the wording. `review` reads the summary, root cause,
contributing factors and what went poorly, and reports four concerns with offsets into the text:

- PERSON_AS_CAUSE: a person as the subject of failure wording. A person is a Slack mention
  (`<@U123>`, `<@U123|bob>`), an `@name`, a name from `known_names` (case-insensitive, whole words;
  a name that is also an ordinary word, such as "Will" or "Mark", only counts capitalised), a role
  ("the on-call engineer", "QA") or a capitalised word that looks like a first name: not a known
  word, product or noun-shaped word ("Monitoring", "Postgres"), not after a determiner, not followed
  by another capitalised word ("Black Friday"). Failure wording follows the person ("Bob pushed a bad
  config", "<@U1> broke the deploy", "John's change took down…", "because Sam didn't…", "took too
  long") or points back at them ("caused by Alice"). "Priya rolled back the deploy" is not failure.
- COUNTERFACTUAL: "should have", "shouldn't have", "could have (just)", "forgot to", "neglected to",
  "failed to", "didn't bother", "ignored the", and "if they had <done>" ("would not have happened if
  they followed…"), when aimed at people. "should/could have" must be followed by a past participle
  ("should have access" is a recommendation, not hindsight).
- JUDGEMENT: "careless", "sloppy", "human error", "X's fault" … (not "nobody's fault").
- ANIMATED: two or more "!", or shouting: a run of 2+ all-caps words of 3+ letters, or one all-caps
  word of 5+ letters, leaving out acronyms (API, HTTP, SEV …), tokens with digits or underscores,
  and anything inside `code`, code blocks or links.

Who a counterfactual is aimed at is decided by the nearest subject before the phrase, within the
sentence. Skipping adverbs and auxiliaries ("really", "has", "not", any "-ly" word), the word just
before the phrase is its subject's head:
- a person (mention, name, role, or a person pronoun: I/we/you/he/she/they/someone/the team …);
- "who" / "that" stand for the word before them; "which", "it", "this", "nothing" are things;
- "and"/"but"/"or" before the phrase means the subject was left out ("Bob deployed and should have…"):
  the first person or system noun from the start of the clause (then of the sentence) is used;
- any other word, known system noun or not ("pipeline", "test suite", "linter", "the migration",
  "no validation"), is a thing: the sentence is about the system, and is not flagged.
"should/could have" and "failed to" need a person subject; "forgot to", "neglected to", "didn't
bother", "ignored the" and "could have just" are flagged unless the subject is a thing (so a
subjectless "Forgot to renew the cert." is flagged, a subjectless "Failed to connect." is not).

The suggestion reframes the first, most specific finding from a template, reusing the author's verb
phrase ("should have checked the logs" → "…to check the logs?"). The text itself is never changed.
Everything is a linear scan with bounded look-around; nothing here raises on any text.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import Enum, StrEnum
from functools import lru_cache
from itertools import pairwise
from typing import NamedTuple

__all__ = ["Concern", "Finding", "Review", "review"]


class Concern(StrEnum):
    PERSON_AS_CAUSE = "person_as_cause"
    COUNTERFACTUAL = "counterfactual"
    JUDGEMENT = "judgement"
    ANIMATED = "animated"


@dataclass(frozen=True)
class Finding:
    concern: Concern
    excerpt: str  # the words that triggered it, as written
    start: int  # text[start:end] == excerpt
    end: int


@dataclass(frozen=True)
class Review:
    findings: tuple[Finding, ...]
    suggestion: str | None  # a systemic reframe of the text, or None when nothing was flagged

    @property
    def flagged(self) -> bool:
        return bool(self.findings)

    @property
    def names_a_person(self) -> bool:
        """A root cause that names a person as the cause stays flagged on the document."""
        return any(f.concern is Concern.PERSON_AS_CAUSE for f in self.findings)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# --- vocabulary ---------------------------------------------------------------------------------
_PRONOUNS = _words(
    "i we you he she they someone somebody anyone anybody everyone everybody nobody whoever team teams "
    "folks people humans"
)
_ROLES = _words(
    "engineer engineers developer developers dev devs operator operators reviewer reviewers approver "
    "approvers qa tester testers admin admins administrator administrators sysadmin sysadmins dba dbas "
    "intern interns sre sres ops devops on-call oncall on-caller on-callers responder responders "
    "commander ic author authors committer committers contractor contractors manager managers person "
    "individual employee employees staff teammate teammates colleague colleagues coworker coworkers"
)
_DETERMINERS = _words(
    "the a an this these those it its nothing something everything anything none what no every any "
    "some our their his her my your whose another other such"
)
_SKIP = _words(
    "just really probably definitely clearly obviously simply also certainly maybe perhaps surely then "
    "not never easily reasonably ideally arguably honestly absolutely always still already all both "
    "each themselves himself herself myself ourselves yourself yourselves has have had was were is are "
    "be been would will may might must shall repeatedly again completely totally somehow apparently "
    "basically actually literally even only initially originally ultimately at least in hindsight "
    "mostly partly nearly rarely barely early oddly lastly firstly"
)
_LY_NOUNS = _words(
    "family supply assembly reply anomaly ally rally fly jelly belly daily weekly monthly poly"
)
_CONJ = _words("and but or so yet nor plus &")
_SYSTEM = _words(
    "pipeline test tests suite alert alerts alerting config configuration service system process check "
    "validation validator monitoring monitor migration deploy deployment runbook playbook script tool "
    "tooling build ci cd linter lint hook code change release rollout rollback canary staging production "
    "prod server database db cluster node pod container queue cron scheduler worker balancer proxy "
    "gateway api endpoint client library dependency flag feature toggle policy rule guard guardrail "
    "safeguard gate limit threshold quota retry retries timeout cache replica primary failover backup "
    "dashboard page pager paging routing escalation notification channel review approval step checklist "
    "template documentation docs doc automation bot infra infrastructure network dns certificate cert "
    "schema query index table disk memory cpu storage app application site website frontend backend "
    "platform environment env region zone vendor provider upstream downstream health healthcheck probe "
    "watchdog autoscaler scaling capacity design architecture setup default value input data request "
    "traffic load latency error exception bug issue incident outage failure problem fix patch commit pr "
    "merge branch version update upgrade tracing logging log logs metric metrics trace coverage framework "
    "sdk cli checkout payment payments auth login search billing signup cart api's usage image response "
    "recovery detection mitigation resolution window rotation schedule handoff handover process es"
)
_TECH = _words(
    "postgres postgresql mysql mariadb redis kafka kubernetes terraform jenkins github gitlab bitbucket "
    "nginx envoy istio consul vault docker helm ansible puppet chef cloudflare akamai fastly datadog "
    "pagerduty opsgenie grafana prometheus sentry splunk elasticsearch elastic mongo mongodb cassandra "
    "rabbitmq celery sidekiq airflow spark lambda azure google amazon aws gcp slack linux windows java "
    "python node rails django stripe twilio okta vercel heroku netlify argo argocd spinnaker circleci "
    "travis renovate dependabot copilot zookeeper etcd memcached haproxy traefik vitess snowflake "
    "bigquery dynamo dynamodb cloudfront route firebase supabase jira confluence opsgenie statuspage"
)
# Capitalised words that start sentences or name days and months: never read as a first name.
_STARTERS = _words(
    "there here after before during when while once since because if however meanwhile later earlier "
    "yesterday today tonight tomorrow overnight eventually finally unfortunately fortunately luckily "
    "sadly monday tuesday wednesday thursday friday saturday sunday january february march april may "
    "june july august september october november december many most few several one two three first "
    "second next last how why where instead please thanks note summary impact timeline root cause "
    "factor factors customers users user customer everyone nobody we they he she you i lessons what "
    "who which that whether although though unless until without within per via for from with into "
    "onto over under about above below between through across against toward towards upon around "
    "to of on in at by as an and but or so yet nor not no yes ok okay hi hey sev severity status"
)
# Names that are ordinary words too: these count only when written capitalised.
_WORDLIKE_NAMES = _words(
    "will may mark bill rob pat jack grant chase hope joy faith art sky june april rose frank drew gene "
    "dawn sue max ray page rich lee hunter tank"
)
_NOUN_SUFFIXES = tuple(
    _words("ing tion sion ment ness ity ance ence ism ure age ics ogy ware base ency ancy ship hood ery")
)
_PHRASE_BREAK = _words("but because since although though yet which whereas unless")
_OBJECT_BREAK = _words(
    "to into at on in that which and without for during before after from because but so while when by with"
)
_ACRONYMS = _words(
    "API HTTP HTTPS DNS SQL NOSQL UTC CPU GPU RAM SRE AWS GCP PR MR CI CD SLO SLA SLI SEV QA JSON YAML "
    "HTML CSS XML CSV REST RPC GRPC TLS SSL SSH TCP UDP VPN VPC CDN ELB ALB NLB RDS IAM KMS SQS SNS ECS "
    "EKS GKE AKS GCS SSD HDD IOPS OOM JVM NPM SDK CLI URL URI NTP SMTP LDAP SAML SSO OAUTH JWT MFA CORS "
    "CSRF ORM ACID CRUD NOC SOC CEO CTO CFO OPS DEVOPS NAT BGP MTU TTL LRU FIFO UUID GUID UTF ASCII POSIX "
    "CRON SIGTERM SIGKILL SIGINT SIGHUP EOF NAN NULL NIL TRUE FALSE NONE GET POST PUT PATCH DELETE HEAD "
    "OPTIONS ACK NACK SYN FIN RST ERROR WARN WARNING INFO DEBUG TRACE FATAL CRITICAL PANIC NOTICE EST EDT "
    "PST PDT CST CDT MST MDT CET CEST GMT BST IST JST AEST USA EMEA APAC LATAM GDPR PII PCI HIPAA ISO RFC "
    "RPS QPS TPS RCA MTTR MTTD MTTA OKR KPI ETA EOD FYI IMO TLDR TODO FIXME WIP LGTM ASAP README PROD "
    "STAGING PRODUCTION DEV UAT NGINX MYSQL REDIS KAFKA AMQP MQTT IMAP AWS ARN EBS EFS VM VMS PDF PNG JPG "
    "GIF SVG ZIP IDE UI UX URLS APIS SLOS SLAS PRS QPS SHA MD IPV CRDT OIDC SCIM SMS MMS GPS RTO RPO CVE "
    "SBOM WAF DDOS IDS IPS HSM ACL ACLS CIDR DHCP ICMP ARP GRE MPLS LACP NIC NICS NVME SATA RAID ZFS NFS "
    "SMB CIFS LVM EXT XFS GUI TUI UNIX BSD AIX HTTP/2 FAQ"
)

# Past forms that do not end in -ed (and a few -ed forms the rules below would get wrong).
_IRREGULAR: dict[str, str] = {
    **{
        form: form
        for form in _words(
            "run ran rerun put set reset let read cut hit shut spread split quit hurt cast broadcast upset"
        )
    },
    **dict(
        pair.split(":", 1)
        for pair in _words(
            "been:be done:do did:do gone:go went:go seen:see saw:see known:know knew:know taken:take "
            "took:take given:give gave:give written:write wrote:write made:make caught:catch brought:bring "
            "bought:buy thought:think taught:teach found:find told:tell sold:sell held:hold kept:keep "
            "left:leave felt:feel meant:mean sent:send spent:spend built:build lost:lose paid:pay said:say "
            "heard:hear had:have got:get gotten:get understood:understand stood:stand shown:show drawn:draw "
            "grown:grow thrown:throw blown:blow flown:fly chosen:choose chose:choose driven:drive "
            "drove:drive "
            "forgotten:forget forgot:forget frozen:freeze hidden:hide risen:rise spoken:speak stolen:steal "
            "woken:wake proven:prove broken:break broke:break begun:begin began:begin stuck:stick "
            "struck:strike hung:hang dug:dig led:lead fed:feed met:meet slept:sleep dealt:deal sat:sit "
            "fought:fight rebuilt:rebuild rewritten:rewrite overridden:override undone:undo "
            "withdrawn:withdraw added:add cached:cache synced:sync routed:route rerouted:reroute "
            "focused:focus created:create changed:change pinged:ping exchanged:exchange biased:bias "
        )
    ),
}
_NOT_PARTICIPLE_AFTER_READ = _words("access only permission permissions rights replica replicas")


class _Tok(NamedTuple):
    kind: str  # word | num | mention | at | stop | clause
    text: str
    start: int
    end: int
    sentence: int
    key: str  # lower case, without a trailing 's / 'd / 've / 'll / 're
    cut: int = 0  # how many characters that trailing part had

    @property
    def bare_end(self) -> int:
        """Where the word ends without its trailing 's / 'd …: 'Bob's' → after 'Bob'."""
        return self.end - self.cut


class _Kind(Enum):
    NAMED = "named"
    ROLE = "role"
    PRONOUN = "pronoun"
    SYSTEM = "system"
    DET = "det"
    SKIP = "skip"
    CONJ = "conj"
    WHO = "who"
    THAT = "that"
    UNKNOWN = "unknown"


_PERSONS = (_Kind.NAMED, _Kind.ROLE, _Kind.PRONOUN)


@dataclass(frozen=True, slots=True)
class _Subject:
    kind: _Kind  # a person kind, or SYSTEM for any thing
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class _Hit:
    finding: Finding
    rank: int  # lower ranks give the suggestion
    suggestion: str


# --- patterns ------------------------------------------------------------------------------------
_APOS = "['\u2019]"
_MASK = re.compile(
    r"`[^`\n]*`"
    r"|<(?:https?|mailto|ftp|tel|slack)[^>\n<]{0,2000}>"
    r"|<[#!][^>\n<]{0,200}>"
    r"|\b(?:https?://|www\.)\S+",
    re.IGNORECASE,
)
_TOKEN = re.compile(
    r"(?P<mention><@[UW][A-Z0-9]{1,20}(?:\|[^>\n<]{0,80})?>)"
    r"|(?P<at>(?<![\w@.])@(?!(?:here|channel|everyone)\b)[^\W\d_][\w.\-]{0,40})"
    r"|(?P<word>[^\W\d_]+(?:[-'\u2019][^\W\d_]+)*)"
    r"|(?P<num>\w+)"
    r"|(?P<stop>[.!?\uff01\u203c]+(?=[\s\"'\u201d\u2019)\]*_~]|$)|\n|[!?\uff01\u203c]+)"
    r"|(?P<clause>[,;:()\[\]\u2013\u2014…]|(?<=\s)-(?=\s))"
)
_CONTRACTION = re.compile(r"['\u2019](?:s|d|ve|ll|re)$")
_ABBREVIATIONS = _words("e g i etc vs mr mrs ms dr approx incl eg ie cf")

_ADV_WORDS = _words(
    "just also then apparently clearly obviously simply really again still probably basically completely "
    "totally somehow unfortunately"
)
_ADV = rf"(?:(?:{'|'.join(sorted(_ADV_WORDS))})\s+)*"
# The first words of failure wording after a person (_FAILURE_AFTER), to skip names in a timeline fast.
_FAILURE_FIRSTS = _words(
    "pushed deployed shipped merged committed released rolled applied wrote ran sent approved introduced "
    "added took brought knocked taking bringing broke crashed corrupted wiped nuked trashed borked hosed "
    "killed caused created was were is are responded did didn't didn\u2019t didnt never accidentally "
    "mistakenly inadvertently carelessly wrongly messed screwed fucked mucked botched fat fat-fingered "
    "fatfingered typo typod misconfigured mistyped misread misjudged mishandled overlooked ignored forgot "
    "neglected missed skipped bypassed disregarded made"
)
_BAD = r"(?:bad|broken|wrong|faulty|buggy|incorrect|invalid|untested|bogus|malformed|risky|unreviewed)"
_OBJ = r"(?:(?:the|a|an|our|their|his|her|all|every)\s+[\w-]+|prod(?:uction)?\b|staging\b|everything\b|it\b)"
_DAMAGE = (
    r"(?:took|brought|knocked|taking|bringing)\s+(?:down|out|over)\b"
    rf"|(?:broke|crashed|corrupted|wiped|nuked|trashed|borked|hosed|killed)\s+{_OBJ}"
    r"|caused\b|(?:introduced|created)\s+(?:a|an|the)\s+(?:[\w-]+\s+)?"
    r"(?:bug|regression|outage|incident|error|defect)s?\b"
)
_NOT_FAILING = r"(?!\s+(?:get|gets|got|receive|received|have|has|had|know|knew|see|saw|hear|heard|need))"
_FAILURE_AFTER = re.compile(
    rf"[^\S\n]+{_ADV}(?:"
    r"(?P<ship>pushed|deployed|shipped|merged|committed|released|rolled\s+out|applied|wrote|ran|sent"
    rf"|approved|introduced|added)\s+(?:(?:a|an|the|some|his|her|their)\s+)?(?P<adj>{_BAD})\b"
    rf"|(?P<damage>{_DAMAGE})"
    r"|(?P<slow>took\s+(?:too|so|way\s+too|far\s+too)\s+long|(?:was|were)\s+(?:too\s+|so\s+)?(?:slow|late)\b"
    rf"|responded\s+(?:late|slowly|too\s+late)|did(?:n{_APOS}?t|\s+not)\s+respond|never\s+responded)"
    r"|(?P<act>(?:accidentally|mistakenly|inadvertently|carelessly|wrongly)\s+[\w-]+"
    rf"|(?:messed|screwed|fucked|mucked)\s+up|botched|fat[- ]?fingered|typo{_APOS}?d|misconfigured"
    r"|mistyped|misread|misjudged|mishandled|overlooked|ignored|forgot|neglected|missed|skipped|bypassed"
    r"|disregarded|made\s+(?:a|an)\s+(?:[\w-]+\s+)?(?:mistake|error|typo|blunder|bad\s+call)"
    r"|(?:is|was|were|are)\s+(?:to\s+blame|at\s+fault|responsible\s+for\s+(?:the\s+|this\s+)?"
    r"(?:outage|incident|failure|breakage|downtime|mistake|error))"
    rf"|(?:did(?:n{_APOS}?t|\s+not)|never)\b{_NOT_FAILING})"
    r")\b",
    re.IGNORECASE,
)
_POSSESSIVE_AFTER = re.compile(
    rf"{_APOS}s(?P<obj>(?:[^\S\n]+[\w-]+){{1,3}}?)[^\S\n]+{_ADV}(?P<damage>{_DAMAGE})", re.IGNORECASE
)
_CAUSE_BEFORE = re.compile(
    r"(?:\b(?P<by>(?:caused|broken)\s+by|fault\s+of|blamed?\s+(?:it\s+)?on)"
    r"|\b(?P<due>due\s+to|because\s+of))\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_COUNTERFACTUAL = re.compile(
    r"\b(?:"
    rf"(?P<shouldnt>should(?:\s+not|\s*n{_APOS}?t)\s+have|shouldn{_APOS}t{_APOS}ve)"
    rf"|(?P<could_just>could(?:\s+have|{_APOS}ve)\s+(?:just|simply|easily))"
    rf"|(?P<should>should(?:\s+have|{_APOS}ve))"
    rf"|(?P<could>could(?:\s+have|{_APOS}ve))"
    r"|(?P<forgot>forgot\s+to)|(?P<neglected>neglected\s+to)|(?P<failed>failed\s+to)"
    rf"|(?P<bother>did(?:\s*n{_APOS}?t|\s+not)\s+bother|(?:could|can)(?:\s*n{_APOS}?t|not|\s+not)\s+be"
    r"\s+bothered)"
    r"|(?P<ignored>ignored\s+the)"
    r")\b",
    re.IGNORECASE,
)
_COUNTERFACTUAL_FIRSTS = _words(
    "should shouldn't shouldn\u2019t shouldnt could forgot neglected failed did didn't didn\u2019t didnt can "
    "can't can\u2019t cannot couldn't couldn\u2019t couldnt ignored"
)
_PERSON_ONLY = frozenset({"should", "shouldnt", "could", "failed"})
_NEEDS_PARTICIPLE = frozenset({"should", "shouldnt", "could", "could_just"})
_MODAL_PERFECT = re.compile(rf"\b(?:would|could|might)(?:\s+not|n{_APOS}t)?\s+have\b", re.IGNORECASE)
_JUDGEMENT = re.compile(
    r"\b(?:"
    r"(?P<error>(?:human|user|operator|pilot)\s+error(?!\s+(?:reports?|rates?|counts?|messages?|codes?)\b))"
    r"|(?P<fault>(?:my|his|her|their|your|our)\s+fault|fault\s+of|at\s+fault|(?:is|was|are|were|be)\s+to\s+blame)"
    rf"|(?P<owner>[^\W\d_]+){_APOS}s\s+fault"
    r"|(?P<hindsight>obviously|should(?:\s+have|'ve|\u2019ve)?\s+know[n]?\s+better)"
    r"|careless(?:ly|ness)?|sloppy|sloppily|sloppiness|incompeten(?:t|ce|tly)|ridiculous(?:ly)?"
    r"|stupid(?:ly|ity)?|idiot(?:s|ic)?|moron(?:s|ic)?|negligen(?:t|ce|tly)|reckless(?:ly|ness)?"
    r"|irresponsibl[ey]|inexcusable|clueless|amateurish|rookie\s+(?:mistake|error|move)"
    r"|lazy(?![\s_-]*(?:load|eval|init|import|iter|compil|fetch))|laziness"
    r"|lazily(?!\s+(?:load|evaluat|initiali|import|fetch|compil))|dropped\s+the\s+ball"
    r")\b",
    re.IGNORECASE,
)
_JUDGEMENT_FIRSTS = _words(
    "human user operator pilot my his her their your our fault at is was are were be obviously should "
    "careless carelessly carelessness sloppy sloppily sloppiness incompetent incompetence incompetently "
    "ridiculous ridiculously stupid stupidly stupidity idiot idiots idiotic moron morons moronic negligent "
    "negligence negligently reckless recklessly recklessness irresponsible irresponsibly inexcusable "
    "clueless amateurish rookie lazy laziness lazily dropped"
)
_NEGATED = re.compile(r"\b(?:no|not|nobody|never|none|noone|anyone)\b|n['\u2019]t\b", re.IGNORECASE)
_BANGS = re.compile(r"[!?\uff01\u203c\u2049]+|:bangbang:")
_CHUNK = re.compile(r"[\w'\u2019]+(?:-[\w'\u2019]+)*")

_EASIER = "What would have made it easier for anyone in that position to {}?"
_EASIER_NOT = "What would have made it easier for anyone in that position not to {}?"
_REMIND = "What would have reminded anyone in that position to {}?"
_HARD = "What made it hard to {} at that moment?"
_COUNTERFACTUAL_GENERIC = (
    "Ask what would have made the right call easier for anyone in that position, not what someone "
    "should have done."
)
_OPTIONAL = "What made that step feel optional at the time, and could the system do it instead?"
_SHIPPED = (
    "Describe what the system allowed, for example: "
    "\u201c{} {} {} reached production without being caught.\u201d"
)
_POSSESSED = "Name the change, not its author: \u201cThe {}.\u201d What let it through?"
_SLOW = "What slowed the response: did the alert reach the right person, through the expected channel?"
_PERSON_GENERIC = (
    "Name the system or decision that allowed this rather than the person: what made it possible, "
    "and what would have caught it?"
)
_ERROR = (
    "\u201c{}\u201d is where the inquiry starts: what made the error easy to make, "
    "and what would have caught it?"
)
_FAULT = "Leave fault out of it: which system or decision allowed this to happen?"
_HINDSIGHT = "That is hindsight: what did people know at that point, and why did it make sense then?"
_JUDGED = "Describe the conditions instead of judging them: what did people know at that point?"
_CALM = "State it calmly; the facts carry the weight."
# Which finding gives the suggestion: the most specific reframe wins, tone comes last.
_R_REFRAME = 0  # a counterfactual reframed around its own verb phrase
_R_PERSON_REFRAME = 1  # "a bad config change reached production…", "what slowed the response…"
_R_COUNTERFACTUAL = 2
_R_PERSON = 3
_R_JUDGEMENT = 4
_R_ANIMATED = 5
_MAX_PHRASE_WORDS = 12
_MAX_PHRASE_CHARS = 120


def review(text: str, *, known_names: Iterable[str] = ()) -> Review:
    """Blame-shaped wording in `text`, with offsets, and a systemic reframe of its most specific part."""
    hits = _Scan(text, known_names).hits()
    if not hits:
        return Review((), None)
    best = min(hits, key=lambda h: (h.rank, h.finding.start))
    kept: list[Finding] = []
    reach: dict[Concern, int] = {}
    for hit in sorted(hits, key=lambda h: (h.finding.start, -h.finding.end)):
        f = hit.finding
        if f.end <= reach.get(f.concern, -1):
            continue  # the same words, or words inside a longer finding of the same concern
        reach[f.concern] = f.end
        kept.append(f)
    order = list(Concern)
    findings = tuple(sorted(kept, key=lambda f: (f.start, f.end, order.index(f.concern))))
    suggestion = best.suggestion
    if best.finding.concern is not Concern.ANIMATED and any(f.concern is Concern.ANIMATED for f in findings):
        suggestion += " " + _CALM
    return Review(findings, suggestion)


class _Scan:
    def __init__(self, text: str, known_names: Iterable[str]) -> None:
        self.text = text
        self.masked = _mask(text)
        self.tokens = _tokenize(self.masked)
        self.starts = [t.start for t in self.tokens]
        self.refs = _known_name_refs(self.tokens, known_names)
        self._kinds: list[tuple[_Kind, int, int] | None] = [None] * len(self.tokens)
        self._modal: dict[int, bool] = {}
        self.sentences: dict[int, tuple[int, int]] = {}
        for t in self.tokens:
            first = self.sentences.get(t.sentence, (t.start, t.end))[0]
            self.sentences[t.sentence] = (first, t.end)

    def hits(self) -> list[_Hit]:
        return [
            *self._person_hits(),
            *self._counterfactual_hits(),
            *self._if_hits(),
            *self._judgement_hits(),
            *self._animated_hits(),
        ]

    def _hit(self, concern: Concern, start: int, end: int, rank: int, suggestion: str) -> _Hit:
        return _Hit(Finding(concern, self.text[start:end], start, end), rank, suggestion)

    # --- who is who ---
    def _classify(self, i: int) -> tuple[_Kind, int, int]:
        known = self._kinds[i]
        if known is None:
            known = self._kinds[i] = self._classify_token(i)
        return known

    def _classify_token(self, i: int) -> tuple[_Kind, int, int]:
        t = self.tokens[i]
        if i in self.refs:
            start, end = self.refs[i]
            return _Kind.NAMED, start, end
        if t.kind in ("mention", "at"):
            return _Kind.NAMED, t.start, t.end
        if t.kind != "word":
            return _Kind.UNKNOWN, t.start, t.end
        k = t.key
        kind = _Kind.UNKNOWN
        start = t.start
        if k in _SKIP or (k.endswith("ly") and k not in _LY_NOUNS and (t.text[0].islower() or len(k) > 6)):
            kind = _Kind.SKIP
        elif k in _CONJ:
            kind = _Kind.CONJ
        elif k == "who":
            kind = _Kind.WHO
        elif k == "that":
            kind = _Kind.THAT
        elif k in _PRONOUNS:
            kind = _Kind.PRONOUN
        elif k in _ROLES or (k == "call" and i > 0 and self.tokens[i - 1].key == "on"):
            kind = _Kind.ROLE
            prev = self.tokens[i - 1] if i > 0 else None
            if prev and prev.kind == "word" and (prev.key in _ROLES or prev.key == "on") and prev.key != k:
                start = prev.start
        elif k in _DETERMINERS:
            kind = _Kind.DET
        elif k in _SYSTEM or k in _TECH or (k.endswith("s") and k[:-1] in _SYSTEM):
            kind = _Kind.SYSTEM
        elif self._first_name_like(i):
            kind = _Kind.NAMED
        return kind, start, t.bare_end if kind in (_Kind.NAMED, _Kind.ROLE) else t.end

    def _first_name_like(self, i: int) -> bool:
        t = self.tokens[i]
        k = t.key
        if not t.text[0].isupper() or k in _STARTERS or not _is_title(t.text[: len(t.text) - t.cut]):
            return False
        if len(k) >= 5 and k.endswith(_NOUN_SUFFIXES):
            return False
        prev = self.tokens[i - 1] if i > 0 else None
        if prev and prev.sentence == t.sentence and prev.kind == "word" and prev.key in _DETERMINERS:
            return False
        nxt = self.tokens[i + 1] if i + 1 < len(self.tokens) else None
        return not (nxt and nxt.kind == "word" and _is_title(nxt.text[: len(nxt.text) - nxt.cut]))

    def _subject_before(self, p: int, floor: int = -1) -> _Subject | None:
        """The nearest subject before token p within its sentence (see the module docstring)."""
        sentence = self.tokens[p].sentence
        j = p - 1
        while j > floor and p - j <= 12:
            t = self.tokens[j]
            if t.sentence != sentence or t.kind == "stop":
                return None
            if t.kind == "clause":
                j -= 1
                continue
            kind, start, end = self._classify(j)
            if kind is _Kind.SKIP:
                j -= 1
                continue
            if kind is _Kind.CONJ:
                return self._elided_subject(j)
            if kind in (_Kind.WHO, _Kind.THAT):
                before = self._antecedent(j)
                if before is not None:
                    return before
                return _Subject(_Kind.PRONOUN if kind is _Kind.WHO else _Kind.SYSTEM, start, end)
            if kind in _PERSONS:
                return _Subject(kind, start, end)
            return _Subject(_Kind.SYSTEM, start, end)
        return None

    def _antecedent(self, j: int) -> _Subject | None:
        k = j - 1
        while k >= 0 and self.tokens[k].kind == "clause":
            k -= 1
        if k < 0 or self.tokens[k].sentence != self.tokens[j].sentence:
            return None
        kind, start, end = self._classify(k)
        return _Subject(kind, start, end) if kind in _PERSONS else None

    def _elided_subject(self, conj: int) -> _Subject | None:
        sentence = self.tokens[conj].sentence
        clause = conj
        while clause > 0 and self.tokens[clause - 1].sentence == sentence:
            if self.tokens[clause - 1].kind in ("stop", "clause"):
                break
            clause -= 1
        first = clause
        while (
            first > 0
            and self.tokens[first - 1].sentence == sentence
            and self.tokens[first - 1].kind != "stop"
        ):
            first -= 1
        for begin in dict.fromkeys((clause, first)):
            for k in range(begin, min(conj, begin + 40)):
                kind, start, end = self._classify(k)
                if kind in _PERSONS or kind is _Kind.SYSTEM:
                    return _Subject(kind, start, end)
        return None

    def _token_at(self, pos: int) -> int | None:
        i = bisect_left(self.starts, pos)
        return i if i < len(self.tokens) and self.tokens[i].start == pos else None

    # --- a person as the cause ---
    def _person_hits(self) -> Iterator[_Hit]:
        seen: set[tuple[int, int]] = set()
        for i, t in enumerate(self.tokens):
            if t.kind == "word" and not (
                t.text[0].isupper() or t.key in _ROLES or t.key == "call" or i in self.refs
            ):
                continue  # only names, mentions and roles can be a person
            if t.kind not in ("word", "mention", "at"):
                continue
            kind, start, end = self._classify(i)
            if kind not in (_Kind.NAMED, _Kind.ROLE) or (start, end) in seen:
                continue
            if i + 1 < len(self.tokens) and self.tokens[i + 1].kind == "word":
                after, after_start, _ = self._classify(i + 1)
                if after in (_Kind.NAMED, _Kind.ROLE) and after_start == start:
                    continue  # the name or role goes on ("on-call engineer"): judge it from its last word
            seen.add((start, end))
            yield from self._failure_after(start, end)
            cue = self._cause_before(start)
            possessive = self.masked.startswith(("'s", "\u2019s"), end)
            if cue and (cue.group("by") or not possessive):
                yield self._hit(Concern.PERSON_AS_CAUSE, cue.start(), end, _R_PERSON, _PERSON_GENERIC)

    def _cause_before(self, start: int) -> re.Match[str] | None:
        """'caused by ', 'fault of the ', 'due to ' … just before a person (after a cue word only)."""
        p = bisect_left(self.starts, start) - 1
        if p >= 0 and self.tokens[p].key == "the":
            p -= 1
        if p < 0 or self.tokens[p].key not in ("by", "of", "on", "to", "it"):
            return None
        return _CAUSE_BEFORE.search(self.masked, max(0, start - 40), start)

    def _failure_after(self, start: int, end: int) -> Iterator[_Hit]:
        i = bisect_left(self.starts, end)
        while i < len(self.tokens) and self.tokens[i].key in _ADV_WORDS:
            i += 1
        possessive = self.masked.startswith(("'s", "\u2019s"), end)
        if not possessive and (i == len(self.tokens) or self.tokens[i].key not in _FAILURE_FIRSTS):
            return  # a name in a timeline: no failure wording after it
        m = _POSSESSIVE_AFTER.match(self.masked, end) if possessive else None
        if m:
            rest = self._clause_after(m.start("obj") + len(m.group("obj")) - len(m.group("obj").lstrip()))
            template = _POSSESSED.format(rest) if rest else _PERSON_GENERIC
            yield self._hit(
                Concern.PERSON_AS_CAUSE, start, m.end(), _R_PERSON_REFRAME if rest else _R_PERSON, template
            )
            return
        m = _FAILURE_AFTER.match(self.masked, end)
        if not m:
            return
        stop = m.end()
        if m.group("adj"):
            obj_end, obj = self._object_after(m.end("adj"))
            if obj:
                adj = m.group("adj").lower()
                stop = obj_end
                art = "An" if adj[0] in "aeiou" else "A"
                yield self._hit(
                    Concern.PERSON_AS_CAUSE, start, stop, _R_PERSON_REFRAME, _SHIPPED.format(art, adj, obj)
                )
                return
        if m.group("slow"):
            yield self._hit(Concern.PERSON_AS_CAUSE, start, stop, _R_PERSON_REFRAME, _SLOW)
            return
        yield self._hit(Concern.PERSON_AS_CAUSE, start, stop, _R_PERSON, _PERSON_GENERIC)

    def _object_after(self, pos: int) -> tuple[int, str]:
        i = bisect_left(self.starts, pos)
        end = pos
        words = 0
        while i < len(self.tokens) and words < 4:
            t = self.tokens[i]
            if t.kind in ("stop", "clause") or (t.kind == "word" and t.key in _OBJECT_BREAK):
                break
            end = t.end
            words += 1
            i += 1
        return end, self.text[pos:end].strip()

    def _clause_after(self, pos: int) -> str | None:
        """The original text from pos to the end of its clause, when it is short enough to quote."""
        i = bisect_left(self.starts, pos)
        end = len(self.text)
        words = 0
        while i < len(self.tokens):
            t = self.tokens[i]
            if t.kind in ("stop", "clause") or (t.kind == "word" and t.key in _PHRASE_BREAK):
                end = t.start
                break
            words += 1
            if words > _MAX_PHRASE_WORDS:
                return None
            i += 1
        phrase = self.text[pos:end].strip().rstrip("*_~\"\u201d'\u2019").rstrip()
        if not phrase or words > _MAX_PHRASE_WORDS or len(phrase) > _MAX_PHRASE_CHARS:
            return None
        return phrase

    # --- counterfactuals ---
    def _matches(self, pattern: re.Pattern[str], firsts: frozenset[str]) -> Iterator[re.Match[str]]:
        """pattern matched at the words that can start it (faster than searching every position)."""
        for i, t in enumerate(self.tokens):
            possessive = t.cut and i + 1 < len(self.tokens) and self.tokens[i + 1].key == "fault"
            if t.kind == "word" and (t.key in firsts or possessive):
                m = pattern.match(self.masked, t.start)
                if m:
                    yield m

    def _counterfactual_hits(self) -> Iterator[_Hit]:
        for m in self._matches(_COUNTERFACTUAL, _COUNTERFACTUAL_FIRSTS):
            p = self._token_at(m.start())
            which = m.lastgroup
            if p is None or which is None:
                continue
            after = self._next_word(m.end())
            if which in _NEEDS_PARTICIPLE and (after is None or not _participle(self.tokens, after)):
                continue
            subject = self._subject_before(p)
            if subject is not None and subject.kind not in _PERSONS:
                continue
            if subject is None and which in _PERSON_ONLY:
                continue
            yield from self._subject_hit(subject)
            yield self._counterfactual(which, m.start(), m.end(), after)

    def _subject_hit(self, subject: _Subject | None) -> Iterator[_Hit]:
        if subject is not None and subject.kind in (_Kind.NAMED, _Kind.ROLE):
            yield self._hit(Concern.PERSON_AS_CAUSE, subject.start, subject.end, _R_PERSON, _PERSON_GENERIC)

    def _counterfactual(self, which: str, start: int, end: int, after: int | None) -> _Hit:
        phrase: str | None = None
        template = _EASIER
        if which == "ignored":
            obj = self._object_after(end)[1]
            suggestion = (
                f"What made the {obj} easy to miss at that moment?" if obj else _COUNTERFACTUAL_GENERIC
            )
            return self._hit(
                Concern.COUNTERFACTUAL, start, end, _R_REFRAME if obj else _R_COUNTERFACTUAL, suggestion
            )
        if which == "bother":
            if after is not None and self.tokens[after].key == "to":
                phrase = self._clause_after(self.tokens[after].end)
            if phrase is None:
                return self._hit(Concern.COUNTERFACTUAL, start, end, _R_COUNTERFACTUAL, _OPTIONAL)
        elif which in _NEEDS_PARTICIPLE and after is not None:
            phrase = self._verb_phrase(after)
            template = _EASIER_NOT if which == "shouldnt" else _EASIER
        elif which in ("forgot", "neglected", "failed"):
            phrase = self._clause_after(end)
            template = _HARD if which == "failed" else _REMIND
        if phrase is None:
            return self._hit(Concern.COUNTERFACTUAL, start, end, _R_COUNTERFACTUAL, _COUNTERFACTUAL_GENERIC)
        return self._hit(Concern.COUNTERFACTUAL, start, end, _R_REFRAME, template.format(phrase))

    def _next_word(self, pos: int) -> int | None:
        i = bisect_left(self.starts, pos)
        while i < len(self.tokens) and self.tokens[i].kind == "word":
            if self.tokens[i].key not in _SKIP or self.tokens[i].key in ("been", "had"):
                return i
            i += 1
        return None

    def _verb_phrase(self, v: int) -> str | None:
        """'checked the logs and rolled back' → 'check the logs and roll back' (the base forms)."""
        rest = self._clause_after(self.tokens[v].start)
        if rest is None:
            return None
        end = self.tokens[v].start + len(rest)
        out: list[str] = []
        pos = self.tokens[v].start
        i = v
        while i < len(self.tokens) and self.tokens[i].start < end:
            t = self.tokens[i]
            if t.kind == "word" and (
                i == v or (self.tokens[i - 1].key in ("and", "or") and _participle(self.tokens, i))
            ):
                out.append(self.text[pos : t.start] + _base_form(t.text))
                pos = t.end
            i += 1
        out.append(self.text[pos:end])
        return "".join(out)

    def _if_hits(self) -> Iterator[_Hit]:
        """'if they had followed…', 'would not have happened if Bob ran…', 'Had Bob checked…'."""
        for i, t in enumerate(self.tokens):
            first_of_sentence = (
                i == 0 or self.tokens[i - 1].sentence != t.sentence or self.tokens[i - 1].kind == "stop"
            )
            if t.kind != "word" or not (
                t.key == "if" or (t.key == "had" and first_of_sentence and t.text[0].isupper())
            ):
                continue
            verb = self._if_verb(i, needs_had=t.key == "if")
            if verb is None:
                continue
            subject = self._subject_before(verb, floor=i)
            if subject is None or subject.kind not in _PERSONS:
                continue
            yield from self._subject_hit(subject)
            phrase = self._verb_phrase(verb)
            suggestion = _EASIER.format(phrase) if phrase else _COUNTERFACTUAL_GENERIC
            yield self._hit(
                Concern.COUNTERFACTUAL,
                t.start,
                self.tokens[verb].end,
                _R_REFRAME if phrase else _R_COUNTERFACTUAL,
                suggestion,
            )

    def _if_verb(self, i: int, *, needs_had: bool) -> int | None:
        sentence = self.tokens[i].sentence
        saw_had = not needs_had
        for k in range(i + 1, min(i + 8, len(self.tokens))):
            t = self.tokens[k]
            if t.sentence != sentence or t.kind in ("stop", "clause"):
                return None
            if t.kind != "word":
                continue
            if t.key in ("had", "hadn't", "hadn\u2019t") or t.text.lower().endswith(("'d", "\u2019d")):
                saw_had = True
                continue
            if _participle(self.tokens, k) and (saw_had or self._modal_perfect_in(sentence)):
                return k
        return None

    def _modal_perfect_in(self, sentence: int) -> bool:
        if sentence not in self._modal:
            start, end = self.sentences[sentence]
            self._modal[sentence] = _MODAL_PERFECT.search(self.masked, start, end) is not None
        return self._modal[sentence]

    # --- judgement and tone ---
    def _judgement_hits(self) -> Iterator[_Hit]:
        for m in self._matches(_JUDGEMENT, _JUDGEMENT_FIRSTS):
            which = m.lastgroup
            start, end = m.start(), m.end()
            if which in ("fault", "owner") and _NEGATED.search(self.masked, max(0, start - 24), start):
                continue
            if which == "owner":
                if m.group("owner").lower() in ("one", "nobody", "noone", "anyone", "anybody", "no"):
                    continue
                p = self._token_at(start)
                if p is not None and self._classify(p)[0] in (_Kind.NAMED, _Kind.ROLE):
                    yield self._hit(Concern.PERSON_AS_CAUSE, start, end, _R_PERSON, _PERSON_GENERIC)
            if which == "error":
                phrase = m.group()
                yield self._hit(
                    Concern.JUDGEMENT,
                    start,
                    end,
                    _R_JUDGEMENT,
                    _ERROR.format(phrase[:1].upper() + phrase[1:]),
                )
            elif which in ("fault", "owner"):
                yield self._hit(Concern.JUDGEMENT, start, end, _R_JUDGEMENT, _FAULT)
            elif which == "hindsight":
                yield self._hit(Concern.JUDGEMENT, start, end, _R_JUDGEMENT, _HINDSIGHT)
            else:
                yield self._hit(Concern.JUDGEMENT, start, end, _R_JUDGEMENT, _JUDGED)

    def _animated_hits(self) -> Iterator[_Hit]:
        for m in _BANGS.finditer(self.masked):
            run = m.group()
            if (
                run == ":bangbang:"
                or run.count("!") + run.count("\uff01") + 2 * run.count("\u203c") + run.count("\u2049") >= 2
            ):
                yield self._hit(Concern.ANIMATED, m.start(), m.end(), _R_ANIMATED, _CALM)
        for start, end in _shouting(self.masked):
            yield self._hit(Concern.ANIMATED, start, end, _R_ANIMATED, _CALM)


# --- text helpers ---------------------------------------------------------------------------------
def _mask(text: str) -> str:
    """Code, code blocks, links and channel or special mentions as spaces: same length, same offsets."""
    chars = list(text)
    pos = 0
    while (open_at := text.find("```", pos)) != -1:
        close_at = text.find("```", open_at + 3)
        if close_at == -1:
            break
        chars[open_at : close_at + 3] = " " * (close_at + 3 - open_at)
        pos = close_at + 3
    blanked = "".join(chars)
    return _MASK.sub(lambda m: " " * len(m.group()), blanked)


def _tokenize(masked: str) -> list[_Tok]:
    tokens: list[_Tok] = []
    sentence = 0
    for m in _TOKEN.finditer(masked):
        kind = m.lastgroup or "num"
        text = m.group()
        if kind == "stop":
            prev = tokens[-1] if tokens else None
            if text == "." and prev and prev.end == m.start() and prev.key in _ABBREVIATIONS:
                continue
            tokens.append(_Tok(kind, text, m.start(), m.end(), sentence, text))
            sentence += 1
            continue
        low = text.lower()
        key = low
        if kind == "word" and ("'" in low or "\u2019" in low):
            key = _CONTRACTION.sub("", low) or low
        tokens.append(_Tok(kind, text, m.start(), m.end(), sentence, key, len(low) - len(key)))
    return tokens


def _known_name_refs(tokens: list[_Tok], known_names: Iterable[str]) -> dict[int, tuple[int, int]]:
    """Token index → (start, end) of the known name it belongs to (longest match wins)."""
    names: dict[tuple[str, ...], bool] = {}  # words → only when capitalised
    for name in known_names:
        words = tuple(
            m.group().lower()
            for m in _TOKEN.finditer(str(name).lstrip("@"))
            if m.lastgroup in ("word", "num")
        )
        if words and len(words) <= 4 and sum(len(w) for w in words) >= 2:
            single = words[0] if len(words) == 1 else ""
            common = single in _WORDLIKE_NAMES or single in _SKIP or single in _DETERMINERS or single in _CONJ
            names[words] = common or single in _SYSTEM or single in _PRONOUNS or single in _STARTERS
    firsts = {w[0] for w in names}
    refs: dict[int, tuple[int, int]] = {}
    i = 0
    while i < len(tokens):
        if tokens[i].kind not in ("word", "num") or tokens[i].key not in firsts:
            i += 1
            continue
        matched = 0
        for n in range(min(4, len(tokens) - i), 0, -1):
            run = tokens[i : i + n]
            key = tuple(t.key for t in run)
            if key not in names or any(
                b.start - a.end > 2 or b.kind not in ("word", "num") for a, b in pairwise(run)
            ):
                continue
            if names[key] and not run[0].text[:1].isupper():
                continue
            span = (run[0].start, run[-1].bare_end)
            for k in range(i, i + n):
                refs[k] = span
            matched = n
            break
        i += matched or 1
    return refs


def _participle(tokens: list[_Tok], i: int) -> bool:
    t = tokens[i]
    if t.kind != "word":
        return False
    w = t.key.rsplit("-", 1)[-1]  # double-checked
    if w == "read" and i + 1 < len(tokens) and tokens[i + 1].key in _NOT_PARTICIPLE_AFTER_READ:
        return False
    if w in _IRREGULAR:
        return True
    return len(w) > 3 and w.endswith("ed") and not w.endswith("eed") and w.isalpha()


def _base_form(word: str) -> str:
    """The base form of a past participle: 'checked' → 'check', 'caught' → 'catch', 'paged' → 'page'."""
    head, dash, last = word.rpartition("-")
    if dash:
        return head + dash + _base_form(last)
    w = word.lower()
    if w in _IRREGULAR:
        return _IRREGULAR[w] or w
    if not w.endswith("ed") or len(w) <= 3:
        return word
    if w.endswith("ied") and len(w) > 4:
        return w[:-3] + "y"
    stem = w[:-2]
    if stem.endswith(("e", "u")):
        return stem + "e"
    if stem[-1] == stem[-2] and stem[-1] not in "aeiou":
        if stem[-1] not in "lsfz" or (stem.endswith(("ell", "oll")) and _syllables(stem) >= 2):
            return stem[:-1]
        return stem
    return stem + "e" if _needs_e(stem) else stem


@lru_cache(maxsize=4096)
def _is_title(word: str) -> bool:
    """'Bob', 'Zoë', 'Jean-Luc', 'O'Brien': capitalised words, the rest lower case, letters only."""
    return len(word) >= 2 and word.istitle() and word.replace("-", "").replace("'", "").isalpha()


def _syllables(stem: str) -> int:
    return len(re.findall(r"[aeiouy]+", stem))


def _needs_e(stem: str) -> bool:
    """Whether 'stem' + 'ed' came from a verb ending in a silent e ('paged', 'validated', 'used')."""
    last, prev = stem[-1], stem[-2] if len(stem) > 1 else ""
    before = stem[-3] if len(stem) > 2 else ""
    vowels = "aeiou"
    if last in "vzsc":
        return True
    if last == "g":
        return prev not in "gn" or stem.endswith(("ang", "eng", "ung"))
    if last not in "lbdkmnprt":
        return False
    if prev not in vowels:
        return last == "l" and prev not in "rwnl"  # handled, enabled; not curled, crawled
    if before in vowels:
        return False  # waited, looked, failed, repaired
    end2 = stem[-2:]
    if last == "t":
        if end2 in ("at", "ut"):
            return True
        if end2 == "ot":
            return _syllables(stem) == 1 or stem.endswith("mot")
        if end2 == "et":
            return stem.endswith(("let", "pet"))
        return stem.endswith(("invit", "unit", "ignit", "excit", "cit", "writ", "expedit"))
    if last == "r":
        return end2 != "er" and not stem.endswith(
            ("itor", "ctor", "rror", "thor", "ntor", "chor", "ndor", "vor")
        )
    if last == "l":
        return end2 in ("il", "ul") or _syllables(stem) == 1
    if last == "n":
        return end2 in ("in", "un") or (end2 == "on" and _syllables(stem) == 1)
    if last == "p":
        return not stem.endswith("lop")
    return True  # b, d, k, m after a single vowel: probed, coded, invoked, timed


def _shouting(masked: str) -> Iterator[tuple[int, int]]:
    """Runs of all-caps words: 2+ counted words of 3+ letters, or one of 5+ (acronyms not counted)."""
    run: list[tuple[int, int]] = []
    counted = 0
    longest = 0
    last_end = 0
    for m in _CHUNK.finditer(masked):
        word = m.group()
        letters = word.replace("'", "").replace("\u2019", "").replace("-", "")
        caps = letters.isalpha() and letters.isupper()
        if run and (not caps or "\n" in masked[last_end : m.start()]):
            if counted >= 2 or longest >= 5:
                yield run[0][0], run[-1][1]
            run, counted, longest = [], 0, 0
        if caps:
            run.append((m.start(), m.end()))
            bare = word.upper().rstrip("S") if word.upper() not in _ACRONYMS else word.upper()
            if len(letters) >= 3 and word.upper() not in _ACRONYMS and bare not in _ACRONYMS:
                counted += 1
                longest = max(longest, len(letters))
        last_end = m.end()
    if run and (counted >= 2 or longest >= 5):
        yield run[0][0], run[-1][1]
