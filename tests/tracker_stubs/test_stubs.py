"""The stand-ins themselves, over plain HTTP: authentication, recording, faults, pagination, rate headers."""

from __future__ import annotations

import base64

import httpx
import pytest

from tests.tracker_stubs import GitHubStub, GitLabStub, JiraStub, LinearStub


def test_each_refuses_a_wrong_credential_like_its_tracker() -> None:
    with GitHubStub() as gh, GitLabStub() as gl, JiraStub() as jira, LinearStub() as lin:
        assert (
            httpx.get(f"{gh.api_url}user", headers={"Authorization": "token nope"}).json()["message"]
            == "Bad credentials"
        )
        assert httpx.get(f"{gl.url}/api/v4/user", headers={"PRIVATE-TOKEN": "nope"}).status_code == 401
        basic = base64.b64encode(b"pmbot@example.com:nope").decode()
        assert (
            httpx.get(
                f"{jira.url}/rest/api/2/myself", headers={"Authorization": f"Basic {basic}"}
            ).status_code
            == 401
        )
        answer = httpx.post(
            lin.api_url, json={"query": "query Viewer { viewer { id } }"}, headers={"Authorization": "nope"}
        )
        assert (
            answer.status_code == 400
            and answer.json()["errors"][0]["extensions"]["code"] == "AUTHENTICATION_ERROR"
        )
        assert [[c.status for c in s.calls] for s in (gh, gl, jira, lin)] == [[401], [401], [401], [400]]


def test_calls_are_recorded_and_faults_are_one_shot_and_may_name_a_path() -> None:
    with GitHubStub() as stub:
        stub.add_repo("acme/payments")
        auth = {"Authorization": f"token {stub.token}"}
        stub.fail(502, path="/issues")
        assert (
            httpx.get(f"{stub.api_url}repos/acme/payments", headers=auth).status_code == 200
        )  # not its path
        assert httpx.get(f"{stub.api_url}repos/acme/payments/issues", headers=auth).status_code == 502
        assert httpx.get(f"{stub.api_url}repos/acme/payments/issues", headers=auth).status_code == 200
        assert [(c.method, c.path, c.status) for c in stub.calls] == [
            ("GET", "/repos/acme/payments", 200),
            ("GET", "/repos/acme/payments/issues", 502),
            ("GET", "/repos/acme/payments/issues", 200),
        ]
        stub.drop()
        with pytest.raises(httpx.RemoteProtocolError):
            httpx.get(f"{stub.api_url}user", headers=auth)
        assert httpx.get(f"{stub.api_url}nowhere", headers=auth).status_code == 404


def test_pagination_headers() -> None:
    with GitHubStub() as gh, GitLabStub() as gl:
        gh.add_repo("a/b")
        gl.add_project("a/b")
        for n in range(5):
            gh.add_issue("a/b", f"i{n}")
            gl.add_issue("a/b", f"i{n}")
        page = httpx.get(
            f"{gh.api_url}repos/a/b/issues?per_page=2&page=2", headers={"Authorization": f"token {gh.token}"}
        )
        assert [i["title"] for i in page.json()] == ["i2", "i1"] and 'rel="next"' in page.headers["link"]
        last = httpx.get(
            f"{gl.url}/api/v4/projects/a%2Fb/issues?per_page=2&page=3", headers={"PRIVATE-TOKEN": gl.token}
        )
        assert [i["title"] for i in last.json()] == ["i0"] and "x-next-page" not in last.headers
        assert last.headers["x-total"] == "5" and int(last.headers["ratelimit-remaining"]) < 2000


def test_rate_limits_answer_in_each_tracker_s_own_shape() -> None:
    with GitHubStub() as gh, GitLabStub() as gl, JiraStub() as jira, LinearStub() as lin:
        for stub in (gh, gl, jira, lin):
            stub.rate_limit(retry_after=7)
        secondary = httpx.get(f"{gh.api_url}user", headers={"Authorization": f"token {gh.token}"})
        assert secondary.status_code == 403 and secondary.headers["retry-after"] == "7"
        limited = httpx.get(f"{gl.url}/api/v4/user", headers={"PRIVATE-TOKEN": gl.token})
        assert limited.status_code == 429 and limited.headers["ratelimit-remaining"] == "0"
        basic = base64.b64encode(f"{jira.email}:{jira.token}".encode()).decode()
        assert (
            httpx.get(
                f"{jira.url}/rest/api/2/myself", headers={"Authorization": f"Basic {basic}"}
            ).status_code
            == 429
        )
        answer = httpx.post(
            lin.api_url,
            json={"query": "query Viewer { viewer { id } }"},
            headers={"Authorization": lin.api_key},
        )
        assert answer.status_code == 400 and answer.json()["errors"][0]["extensions"]["code"] == "RATELIMITED"
        assert answer.headers["x-ratelimit-requests-remaining"] == "0"


def test_linear_refuses_an_operation_it_does_not_know() -> None:
    with LinearStub() as lin:
        answer = httpx.post(
            lin.api_url,
            json={"query": "query Projects { projects { nodes { id } } }"},
            headers={"Authorization": lin.api_key},
        )
        assert (
            answer.status_code == 400
            and answer.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
        )


def test_jira_reads_only_the_jql_the_bot_sends() -> None:
    with JiraStub(cloud=False) as jira:
        headers = {"Authorization": f"Bearer {jira.token}"}
        refused = httpx.get(
            f"{jira.url}/rest/api/2/search", params={"jql": "assignee = currentUser()"}, headers=headers
        )
        assert refused.status_code == 400
        gone = httpx.get(
            f"{jira.url}/rest/api/3/search/jql",
            params={"jql": 'project = "X" AND labels = "y"'},
            headers=headers,
        )
        assert gone.status_code == 404  # Data Center has no enhanced search
