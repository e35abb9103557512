"""The GraphQL documents LinearTracker sends, in one place (the stand-in answers these operations)."""

from __future__ import annotations

ISSUE_FIELDS = """
fragment TicketFields on Issue {
  id
  identifier
  url
  title
  description
  dueDate
  priority
  updatedAt
  state { id name type }
  assignee { id name displayName email }
  labels { nodes { id name } }
}
"""

VIEWER = "query Viewer { viewer { id name displayName email } }"

TEAM = """
query Team($key: String!) {
  teams(filter: { key: { eq: $key } }) {
    nodes { id key name states { nodes { id name type position } } }
  }
}
"""

LABELS = """
query Labels($name: String!) {
  issueLabels(filter: { name: { eq: $name } }) { nodes { id name team { id } } }
}
"""

CREATE_LABEL = """
mutation CreateLabel($input: IssueLabelCreateInput!) {
  issueLabelCreate(input: $input) { success issueLabel { id name } }
}
"""

CREATE = (
    ISSUE_FIELDS
    + """
mutation CreateIssue($input: IssueCreateInput!) {
  issueCreate(input: $input) { success issue { ...TicketFields } }
}
"""
)

FIND = (
    ISSUE_FIELDS
    + """
query FindByMarker($team: String!, $marker: String!) {
  issues(filter: { team: { key: { eq: $team } }, description: { contains: $marker } }, first: 10) {
    nodes { ...TicketFields }
  }
}
"""
)

ISSUE = (
    ISSUE_FIELDS
    + """
query Issue($id: String!) {
  issue(id: $id) {
    ...TicketFields
    team { id key states { nodes { id name type position } } }
  }
}
"""
)

UPDATE = (
    ISSUE_FIELDS
    + """
mutation UpdateIssue($id: String!, $input: IssueUpdateInput!) {
  issueUpdate(id: $id, input: $input) { success issue { ...TicketFields } }
}
"""
)

COMMENT = """
mutation Comment($input: CommentCreateInput!) {
  commentCreate(input: $input) { success }
}
"""

USERS_BY_EMAIL = """
query UsersByEmail($email: String!) {
  users(filter: { email: { eqIgnoreCase: $email } }) { nodes { id name displayName email } }
}
"""

USERS_BY_NAME = """
query UsersByName($name: String!) {
  users(filter: { displayName: { eqIgnoreCase: $name } }) { nodes { id name displayName email } }
}
"""
