"""The Locust users of benchmarks/load_test.py (run it, not this file).

Each simulated user signs in with its own account (the accounts file that load_test.py
writes: one JSON list per role) and works as that role does: village officers open their
village's households, register risk clues and record the 入户核实 of the case that opens;
township reviewers and county staff and administrators page through their region's
household list, search it, open household pages, their 待办 and the case list.
Every user stops after MAX_TASKS tasks, so a run is bounded in count as well as in time.
"""

import datetime
import itertools
import json
import os
import random
import re
import time
from collections.abc import Iterator
from http.cookiejar import DefaultCookiePolicy
from typing import Any
from zoneinfo import ZoneInfo

import gevent.event
from locust import FastHttpUser, between, task
from locust.exception import StopUser

ACCOUNTS = json.loads(os.environ.get("FUPIN_LOAD_ACCOUNTS", "{}") or "{}")
PASSWORD = os.environ.get("FUPIN_LOAD_PASSWORD", "")
MAX_TASKS = int(os.environ.get("FUPIN_LOAD_MAX_TASKS", "200"))
USERS = int(os.environ.get("FUPIN_LOAD_USERS", "50"))

_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_HOUSEHOLD_LINK = re.compile(r'href="/households/(\d+)/"')
_CASE_LINK = re.compile(r'href="/monitoring/cases/(\d+)/"')
_CASE_URL = re.compile(r"/monitoring/cases/(\d+)/$")
_SURNAMES = "王李张刘陈杨赵黄周吴"
_REFUSED = "不能登记监测识别线索"
_RNG = random.Random()  # noqa: S311 - which page to open, not a secret
_counters: dict[str, Iterator[int]] = {}
# The figures measure signed-in users at work: every user waits here after signing in, and
# the last one resets the statistics, so the burst of simultaneous sign-ins (each a
# deliberately slow password hash) is not mixed into them.
_all_signed_in = gevent.event.Event()
_sign_ins = {"done": 0}
# Sign-ins that failed before the statistics were reset, reported again after the reset so
# a user who never got in counts as an error instead of vanishing from the figures.
_failed_sign_ins: list[str] = []
_started = time.monotonic()


def _csrf(html: str) -> str:
    found = _CSRF.search(html)
    return found.group(1) if found else ""


class _Officer(FastHttpUser):
    """A signed-in user of one role; subclasses add the role's tasks."""

    abstract = True
    role = ""
    # People read a page before they click the next one.
    wait_time = between(1, 3)

    def on_start(self) -> None:
        # The server sends Secure cookies (production settings) while the load test talks
        # plain HTTP on the loopback, where the TLS proxy would be: accept them on HTTP.
        self.client.cookiejar.set_policy(
            DefaultCookiePolicy(secure_protocols=("https", "wss", "http"))
        )
        counter = _counters.setdefault(self.role, itertools.count())
        accounts: list[str] = ACCOUNTS[self.role]
        self.username = accounts[next(counter) % len(accounts)]
        self.tasks_done = 0
        self.household_ids: list[int] = []
        page = self.client.get("/accounts/login/", name="登录页")
        with self.client.post(
            "/accounts/login/",
            data={
                "username": self.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": _csrf(page.text or ""),
            },
            name="登录",
            catch_response=True,
        ) as response:
            signed_in = "/accounts/login/" not in str(response.url)
            if not signed_in:
                response.failure(f"sign-in of {self.username} failed")
                _failed_sign_ins.append(self.username)
        _sign_ins["done"] += 1
        if _sign_ins["done"] == USERS:
            print(
                f"all {USERS} users tried to sign in after {time.monotonic() - _started:.0f} s; "
                f"{len(_failed_sign_ins)} failed",
                flush=True,
            )
            self.environment.stats.reset_all()
            for username in _failed_sign_ins:
                self.environment.events.request.fire(
                    request_type="POST",
                    name="登录",
                    response_time=0,
                    response_length=0,
                    exception=RuntimeError(f"sign-in of {username} failed"),
                    context={},
                )
            _all_signed_in.set()
        if not signed_in:
            raise StopUser
        _all_signed_in.wait()

    def _count_task(self) -> None:
        self.tasks_done += 1
        if self.tasks_done > MAX_TASKS:
            raise StopUser

    def _get(self, path: str, name: str) -> str:
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
                return ""
            return response.text or ""

    def _household_list(self, query: str = "") -> None:
        page = _RNG.choice([1, 1, 1, 2, 3])
        html = self._get(f"/households/?{query}page={page}", "农户列表")
        found = [int(i) for i in _HOUSEHOLD_LINK.findall(html)]
        if found:
            self.household_ids = found

    def _household_page(self) -> None:
        if not self.household_ids:
            self._household_list()
        if self.household_ids:
            household_id = _RNG.choice(self.household_ids)
            self._get(f"/households/{household_id}/", "农户详情")

    @task(4)
    def household_list(self) -> None:
        self._count_task()
        self._household_list()

    @task(6)
    def household_detail(self) -> None:
        self._count_task()
        self._household_page()

    @task(3)
    def todo(self) -> None:
        self._count_task()
        html = self._get("/monitoring/todo/", "待办")
        cases = _CASE_LINK.findall(html)
        if cases:
            self._get(f"/monitoring/cases/{_RNG.choice(cases)}/", "监测事项详情")


class VillageOfficer(_Officer):
    role = "village_officer"
    weight = 20

    @task(2)
    def register_clue_and_visit(self) -> None:
        """登记风险线索, then 入户核实 of the case it opened (or joined)."""
        self._count_task()
        if not self.household_ids:
            self._household_list()
        if not self.household_ids:
            return
        household_id = _RNG.choice(self.household_ids)
        path = f"/monitoring/households/{household_id}/clue/"
        form = self._get(path, "登记风险线索（表单）")
        today = datetime.datetime.now(tz=ZoneInfo("Asia/Shanghai")).date().isoformat()
        with self.client.post(
            path,
            data={
                "csrfmiddlewaretoken": _csrf(form),
                "risk_types": "1",
                "description": "负载测试：家庭成员突发重病，医疗支出大。",
                "received_on": today,
            },
            name="登记风险线索",
            catch_response=True,
        ) as response:
            case = _CASE_URL.search(str(response.url))
            html = response.text or ""
            if case is None and response.status_code == 400 and _REFUSED in html:
                # The household's status admits no identification clue (already monitored,
                # say): the form explains it, as it should. Nothing further to do.
                response.success()
                return
            if case is None:
                response.failure(f"HTTP {response.status_code}, no case page")
                return
        if 'name="visitors"' not in html:
            return  # the clue joined a case past 入户核实
        data: dict[str, Any] = {
            "csrfmiddlewaretoken": _csrf(html),
            "visited_on": today,
            "visitors": "负载测试员",
            "findings": "入户核实：情况属实。",
            "risk_types": "1",
            "has_consent": "on",
        }
        with self.client.post(
            f"/monitoring/cases/{case.group(1)}/step/",
            data=data,
            name="入户核实",
            catch_response=True,
        ) as response:
            if not _CASE_URL.search(str(response.url)) or response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")


class TownshipReviewer(_Officer):
    role = "township_reviewer"
    weight = 10

    @task(2)
    def case_list(self) -> None:
        self._count_task()
        self._get("/monitoring/cases/", "监测事项列表")


class CountyStaff(_Officer):
    role = "county_staff"
    weight = 15

    @task(2)
    def search(self) -> None:
        self._count_task()
        self._household_list(f"q={_RNG.choice(_SURNAMES)}&")

    @task(1)
    def case_list(self) -> None:
        self._count_task()
        self._get("/monitoring/cases/", "监测事项列表")


class CountyAdmin(CountyStaff):
    role = "county_admin"
    weight = 5
