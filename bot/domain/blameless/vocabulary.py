"""The words and phrasings the blameless scanner knows.

Word lists say what a word is: a person pronoun, a role, a determiner, a word to skip over, a
system or product noun, a word that is never a first name, an acronym. Patterns say what blame
looks like: failure wording after a person, a cause cue before one, counterfactuals, judgement and
an animated tone. Each pattern has the set of words it can start with, so it is only tried there.
"""

from __future__ import annotations

import re


def words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# --- what a word is ------------------------------------------------------------------------------
PRONOUNS = words(
    "i we you he she they someone somebody anyone anybody everyone everybody nobody whoever team teams "
    "folks people humans"
)
ROLES = words(
    "engineer engineers developer developers dev devs operator operators reviewer reviewers approver "
    "approvers qa tester testers admin admins administrator administrators sysadmin sysadmins dba dbas "
    "intern interns sre sres ops devops on-call oncall on-caller on-callers responder responders "
    "commander ic author authors committer committers contractor contractors manager managers person "
    "individual employee employees staff teammate teammates colleague colleagues coworker coworkers "
    "newbie newbies trainee trainees junior juniors lead leads architect architects analyst analysts "
    "consultant consultants maintainer maintainers owner owners releaser releasers"
)
# Roles that are roles only after "new" or "recent": "the new hire", "a recent joiner".
NEW_ROLES = words("hire hires joiner joiners starter starters")
NEW_WORDS = words("new recent newest latest")
# Words that make a role longer: "the new hire", "the junior dev", "the release manager", "on-call".
ROLE_MODIFIERS = words(
    "on new recent junior senior lead principal release incident support security database data backend "
    "frontend platform infra infrastructure site reliability mobile web team tech network qa"
)
# Teams and groups, blamed together: "the platform team", "the DB folks", "leadership".
GROUPS = words(
    "team teams squad squads crew crews folks people humans guys department departments dept management "
    "leadership secops infosec netops"
)
# People left unnamed on purpose. "anyone", "everyone", "nobody" are not: they name no one.
SOMEONE = words("someone somebody whoever")
# Verbs that report what someone said or thought: a clause after them has its own subject.
REPORTING = words(
    "said say says told tell thought think thinks believed believe noted argued claimed assumed assume "
    "expected expect felt feel knew know agreed agree mentioned suggested suggest confirmed"
)
DETERMINERS = words(
    "the a an this these those it its nothing something everything anything none what no every any "
    "some our their his her my your whose another other such"
)
SKIP = words(
    "just really probably definitely clearly obviously simply also certainly maybe perhaps surely then "
    "not never easily reasonably ideally arguably honestly absolutely always still already all both "
    "each themselves himself herself myself ourselves yourself yourselves has have had was were is are "
    "be been would will may might must shall repeatedly again completely totally somehow apparently "
    "basically actually literally even only initially originally ultimately at least in hindsight "
    "mostly partly nearly rarely barely early oddly lastly firstly"
)
LY_NOUNS = words("family supply assembly reply anomaly ally rally fly jelly belly daily weekly monthly poly")
CONJ = words("and but or so yet nor plus &")
SYSTEM = words(
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
TECH = words(
    "postgres postgresql mysql mariadb redis kafka kubernetes terraform jenkins github gitlab bitbucket "
    "nginx envoy istio consul vault docker helm ansible puppet chef cloudflare akamai fastly datadog "
    "pagerduty opsgenie grafana prometheus sentry splunk elasticsearch elastic mongo mongodb cassandra "
    "rabbitmq celery sidekiq airflow spark lambda azure google amazon aws gcp slack linux windows java "
    "python node rails django stripe twilio okta vercel heroku netlify argo argocd spinnaker circleci "
    "travis renovate dependabot copilot zookeeper etcd memcached haproxy traefik vitess snowflake "
    "bigquery dynamo dynamodb cloudfront route firebase supabase jira confluence opsgenie statuspage"
)
# Capitalised words that start sentences or name days and months: never read as a first name.
STARTERS = words(
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
WORDLIKE_NAMES = words(
    "will may mark bill rob pat jack grant chase hope joy faith art sky june april rose frank drew gene "
    "dawn sue max ray page rich lee hunter tank"
)
NOUN_SUFFIXES = tuple(
    words("ing tion sion ment ness ity ance ence ism ure age ics ogy ware base ency ancy ship hood ery")
)
PHRASE_BREAK = words("but because since although though yet which whereas unless")
OBJECT_BREAK = words(
    "to into at on in that which and without for during before after from because but so while when by with "
    "as"
)
ACRONYMS = words(
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
# Abbreviations whose full stop does not end a sentence.
ABBREVIATIONS = words("e g i etc vs mr mrs ms dr approx incl eg ie cf")


# --- phrasings -----------------------------------------------------------------------------------
_APOS = "['\u2019]"
ADV_WORDS = words(
    "just also then apparently clearly obviously simply really again still probably basically completely "
    "totally somehow unfortunately"
)
_ADV = rf"(?:(?:{'|'.join(sorted(ADV_WORDS))})\s+)*"
# The first words of failure wording after a person (FAILURE_AFTER), to skip names in a timeline fast.
FAILURE_FIRSTS = words(
    "pushed deployed shipped merged committed released rolled applied wrote ran sent approved introduced "
    "added took brought knocked taking bringing broke crashed corrupted wiped nuked trashed borked hosed "
    "killed caused created was were is are responded did didn't didn\u2019t didnt never accidentally "
    "mistakenly inadvertently carelessly wrongly messed screwed fucked mucked botched fat fat-fingered "
    "fatfingered typo typod misconfigured mistyped misread misjudged mishandled overlooked ignored forgot "
    "neglected missed skipped bypassed disregarded made force-pushed forcepushed force rubber-stamped "
    "rubberstamped rubber"
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
FAILURE_AFTER = re.compile(
    rf"[^\S\n]+{_ADV}(?:"
    r"(?P<ship>pushed|deployed|shipped|merged|committed|released|rolled\s+out|applied|wrote|ran|sent"
    rf"|approved|introduced|added)\s+(?:(?:a|an|the|some|his|her|their)\s+)?(?P<adj>{_BAD})\b"
    rf"|(?P<damage>{_DAMAGE})"
    r"|(?P<slow>took\s+(?:too|so|way\s+too|far\s+too)\s+long|(?:was|were)\s+(?:too\s+|so\s+)?(?:slow|late)\b"
    rf"|responded\s+(?:late|slowly|too\s+late)|did(?:n{_APOS}?t|\s+not)\s+respond|never\s+responded)"
    r"|(?P<act>(?:accidentally|mistakenly|inadvertently|carelessly|wrongly)\s+[\w-]+"
    rf"|(?:messed|screwed|fucked|mucked)\s+up|botched|fat[- ]?fingered|typo{_APOS}?d|misconfigured"
    r"|mistyped|misread|misjudged|mishandled|overlooked|ignored|forgot|neglected|missed|skipped|bypassed"
    r"|disregarded|force[- ]?pushed|rubber[- ]?stamped"
    r"|made\s+(?:a|an)\s+(?:[\w-]+\s+)?(?:mistake|error|typo|blunder|bad\s+call)"
    r"|(?:is|was|were|are)\s+(?:to\s+blame|at\s+fault|responsible\s+for\s+(?:the\s+|this\s+)?"
    r"(?:outage|incident|failure|breakage|downtime|mistake|error))"
    rf"|(?:did(?:n{_APOS}?t|\s+not)|never)\b{_NOT_FAILING})"
    r")\b",
    re.IGNORECASE,
)
# More failure wording after a person, role, team or someone (people.py): a duty left undone ("never
# ran it", "did not read …"), a perception verb in blame position ("missed", "dismissed"), data
# destroyed ("dropped the index"), the wrong target, a step skipped ("merged it without review",
# "pushed straight to main"), a change that did damage ("deployed a migration that broke …"), a slip.
_DATA = (
    r"(?:(?:the|a|an|our|their|his|her|all|every|that|this|some|prod|production|staging|live)\s+){0,2}"
    r"(?:[\w-]+\s+){0,2}?(?:index(?:es)?|indices|tables?|databases?|dbs?|columns?|schemas?|buckets?|volumes?"
    r"|data|datasets?|records?|rows?|collections?|keyspaces?|topics?|namespaces?|backups?|snapshots?"
    r"|partitions?|shards?|config|configs|configuration|repo|repository|branch|secrets?|keys?|files?)"
)
_SHIPPED = (
    r"(?:pushed|force[- ]?pushed|deployed|shipped|merged|released|rolled\s+out|applied|ran|approved"
    r"|committed|launched|changed|edited|updated|modified)"
)
_DUTIES = (
    r"(?:(?:a|an|any|first|proper|code|peer|second|the)\s+)*(?:review|reviews|reviewing|reviewer|testing|tests?"
    r"|running|checking|checks?|approval|approvals|sign-?off|ticket|telling|asking|backup|backing\s+up|plan"
    r"|rollback\s+plan|canary|staging|validation|validating|verifying|verification|looking|reading|waiting)"
)
BLAMING = re.compile(
    rf"[^\S\n]+{_ADV}(?:"
    rf"(?P<neg>(?:(?:had|has|have)\s+)?never|(?:did|had|has|have)(?:n{_APOS}?t|\s+not))\s+"
    r"(?:(?:ever|once|even|actually|properly|really|fully)\s+|bother(?:ed)?\s+to\s+)?"
    r"(?P<verb>[^\W\d_]+(?:-[^\W\d_]+)?)"
    r"|(?P<perceived>missed|ignored|overlooked|disregarded|dismissed|misread)"
    rf"|(?P<destroyed>dropped|deleted|truncated|wiped|purged|overwrote|overwritten|destroyed|erased|nuked)"
    rf"\s+(?P<data>{_DATA})"
    r"|(?:[^\W\d_]+ed|ran|hit|took|put|set|chose|picked|read)\s+(?:the|a)\s+wrong\s+(?P<wrong>[\w-]+)"
    rf"|(?P<unchecked>{_SHIPPED})(?P<gap>(?:\s+[\w'\u2019-]+){{0,5}}?\s+without\s+{_DUTIES}"
    r"|\s+(?:straight|directly)\s+(?:in)?to\s+(?:main|master|trunk|prod|production))"
    rf"|{_SHIPPED}\s+(?P<change>(?:a|an|the)\s+(?:[\w-]+\s+){{0,3}}?)(?:that|which)\s+{_ADV}(?P<damage>{_DAMAGE})"
    rf"|(?P<slip>{_SHIPPED}|[^\W\d_]+ed)(?:\s+[\w'\u2019-]+){{0,6}}?\s+by\s+(?:mistake|accident)"
    r")\b",
    re.IGNORECASE,
)
# Verbs after "did not" / "never" that say what people were not given, not a duty they left undone.
NOT_DUTIES = words(
    "get gets got gotten receive received have has had know knew known see saw seen hear heard need needed "
    "be been was were is are exist existed respond responded expect expected want wanted mean meant intend "
    "intended happen happened own owned touch touched work worked fail failed hesitate hesitated "
    "understand understood realise realised realize realized"
)
# Data deleted on purpose: "dropped the stale index at 14:02" is housekeeping in a timeline.
INTENDED = words(
    "stale unused orphaned obsolete leftover temporary temp duplicate redundant expired stuck dead"
)
# Duties of attention: left undone, the reframe asks what made the thing easy to miss.
PERCEIVING = words(
    "notice noticed read spot spotted look looked watch watched acknowledge acknowledged ack acked open "
    "opened"
)
POSSESSIVE_AFTER = re.compile(
    rf"{_APOS}s(?P<obj>(?:[^\S\n]+[\w-]+){{1,3}}?)[^\S\n]+{_ADV}(?P<damage>{_DAMAGE})", re.IGNORECASE
)
CAUSE_BEFORE = re.compile(
    r"(?:\b(?P<by>(?:caused|broken)\s+by|fault\s+of|blamed?\s+(?:it\s+)?on)"
    r"|\b(?P<due>due\s+to|because\s+of))\s+(?:the\s+)?$",
    re.IGNORECASE,
)
COUNTERFACTUAL = re.compile(
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
COUNTERFACTUAL_FIRSTS = words(
    "should shouldn't shouldn\u2019t shouldnt could forgot neglected failed did didn't didn\u2019t didnt can "
    "can't can\u2019t cannot couldn't couldn\u2019t couldnt ignored"
)
MODAL_PERFECT = re.compile(rf"\b(?:would|could|might)(?:\s+not|n{_APOS}t)?\s+have\b", re.IGNORECASE)
JUDGEMENT = re.compile(
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
JUDGEMENT_FIRSTS = words(
    "human user operator pilot my his her their your our fault at is was are were be obviously should "
    "careless carelessly carelessness sloppy sloppily sloppiness incompetent incompetence incompetently "
    "ridiculous ridiculously stupid stupidly stupidity idiot idiots idiotic moron morons moronic negligent "
    "negligence negligently reckless recklessly recklessness irresponsible irresponsibly inexcusable "
    "clueless amateurish rookie lazy laziness lazily dropped"
)
NEGATED = re.compile(r"\b(?:no|not|nobody|never|none|noone|anyone)\b|n['\u2019]t\b", re.IGNORECASE)
BANGS = re.compile(r"[!?\uff01\u203c\u2049]+|:bangbang:")
CHUNK = re.compile(r"[\w'\u2019]+(?:-[\w'\u2019]+)*")
