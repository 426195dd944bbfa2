"""Agency simulators (issue 4 §9): fake units' systems that use the machine API exactly as a real one
would — over HTTP, with the unit's API key — and answer with realistic data after a delay, with a
configurable fault rate (duplicate replies, late replies, dropped rounds that look like timeouts).

One `Agency` per unit; `enforcelink simulate agencies` runs each in its own process on 127.0.0.1.
The simulator knows nothing of the database: everything goes through `/api/v1/`.
"""

from __future__ import annotations

import datetime as dt
import heapq
import http.client
import itertools
import json
import queue
import random
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from enforcelink.linkage import holdings, policy
from enforcelink.linkage.delivery import TIMEOUT_SECONDS, verify_signature
from enforcelink.linkage.holdings import Reply

STREETS = ("古南街道", "文龙街道", "三江街道", "通惠街道", "永城镇", "东溪镇")
BANKS = (
    "重庆农村商业银行綦江支行",
    "中国工商银行綦江支行",
    "中国建设银行綦江支行",
    "中国邮政储蓄银行綦江支行",
)


# Units answered by people, never by a simulator: sources of unit ids that an app above linkage
# registers in its ready() (the demo: the unit whose liaison `demo-logins` prints, so that a newcomer
# logging in as that liaison finds an inbox to work, not one emptied by a simulator within seconds).
HUMAN_UNIT_SOURCES: list[Callable[[], Iterable[int]]] = []


def leave_to_people(source: Callable[[], Iterable[int]]) -> None:
    if source not in HUMAN_UNIT_SOURCES:
        HUMAN_UNIT_SOURCES.append(source)


def human_units() -> set[int]:
    return {pk for source in HUMAN_UNIT_SOURCES for pk in source()}


LINGER = 0.5  # seconds a due reply may wait for its page to fill (batch mode)
CALL_TIMEOUT = 10  # seconds before an API call is given up and made again on a new connection
ANSWERS_KEPT = 200_000  # results remembered, so that a reply sent again has the same body


@dataclass
class Faults:
    """Shares of replies that misbehave (they add up to at most 1)."""

    rate: float = 0.0  # overall share of requests hit by a fault
    kinds: tuple[str, ...] = ("duplicate", "late", "drop")
    push_rate: float = 0.0  # share of webhook pushes answered with a 5xx or left to time out


@dataclass
class Agency:
    """One simulated unit's system."""

    name: str
    base_url: str
    api_key: str
    delay: tuple[float, float] = (0.2, 1.0)
    faults: Faults = field(default_factory=Faults)
    seed: int = 1
    stats: dict[str, int] = field(default_factory=dict)

    webhook_secret: str = ""

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.pushed: queue.SimpleQueue[int] = queue.SimpleQueue()
        self.batched = False  # run_batched: pushes carry the requests themselves
        self.pushed_payloads: queue.SimpleQueue[dict[str, Any]] = queue.SimpleQueue()
        self.seen_deliveries: set[int] = set()
        self.answers: dict[int, Reply] = {}  # request id → its reply, oldest first
        self._seen_lock = threading.Lock()  # pushes arrive on the receiver's threads
        self._order = itertools.count()  # ties in the answer queue never compare the requests
        self.push_timeout = TIMEOUT_SECONDS + 1  # how long a "timeout" fault keeps the pusher waiting
        self.server: ThreadingHTTPServer | None = None
        self._local = threading.local()  # each thread's kept-alive connection to the platform
        self._opened: list[http.client.HTTPConnection] = []  # all of them, for close()
        self._opened_lock = threading.Lock()
        self.stopping = threading.Event()  # set from another thread: run_batched ends after its round

    # --- webhook receiver -------------------------------------------------------------------------

    def listen(self) -> str:
        """Bind a receiver on 127.0.0.1 (before forking, so the port is known); returns its URL."""
        agency = self

        class Receiver(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                agency.receive(self)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
        return f"http://127.0.0.1:{self.server.server_address[1]}/enforcelink"

    def receive(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length)
        if len(body) < length:  # the sender died mid-post (a killed worker): no push, nothing to answer
            self.count("push_cut_off")
            handler.close_connection = True
            return
        signed = verify_signature(
            self.webhook_secret, handler.headers.get("X-EnforceLink-Timestamp", ""), body,
            handler.headers.get("X-EnforceLink-Signature", ""),
        )  # fmt: skip
        if not signed:
            self.count("push_forged")
            handler.send_response(401)
        elif self.rng.random() < self.faults.push_rate:
            fault = self.rng.choice(("http_503", "timeout"))
            self.count(f"push_{fault}")
            if fault == "timeout":
                time.sleep(self.push_timeout)
            handler.send_response(503)
        else:
            for item in json.loads(body).get("deliveries", []):
                with self._seen_lock:
                    repeat = item["id"] in self.seen_deliveries
                    self.seen_deliveries.add(item["id"])
                if repeat:  # at least once: a repeat is dropped
                    self.count("push_repeat")
                    continue
                if item.get("event") == "request.sent" and self.batched:
                    self.pushed_payloads.put(item["request"])
                elif item.get("event") == "request.sent":
                    self.pushed.put(int(item["request"]["id"]))
            self.count("push_200")
            handler.send_response(200)
        handler.end_headers()

    # --- HTTP -------------------------------------------------------------------------------------

    def call(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[int, Any]:
        """One API call over a kept-alive connection (as a bank's system keeps a pool): a new TCP
        connection per call costs tens of milliseconds on loopback. A broken connection is opened
        again once; a second failure is the caller's (the platform is down or restarting)."""
        data = json.dumps(body).encode() if body is not None else None
        target = urllib.parse.urlsplit(f"{self.base_url.rstrip('/')}/api/v1/{path}")
        sent_headers = {"Authorization": f"Bearer {self.api_key}", "Content-Type": "application/json",
                        **(headers or {})}  # fmt: skip
        for attempt in (1, 2):
            connection = self._connection(target)
            try:
                connection.request(method, target.path + (f"?{target.query}" if target.query else ""),
                                   body=data, headers=sent_headers)  # fmt: skip
                response = connection.getresponse()
                content = response.read()
            except (OSError, http.client.HTTPException):
                self._drop(connection)
                if attempt == 2:
                    raise ConnectionError(f"{self.base_url} is not answering") from None
                continue
            if response.will_close:
                self._drop(connection)
            return response.status, _json(content)
        raise AssertionError("unreachable")

    def _connection(self, target: urllib.parse.SplitResult) -> http.client.HTTPConnection:
        connection: http.client.HTTPConnection | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = http.client.HTTPConnection(
                target.hostname or "127.0.0.1", target.port or 80, timeout=CALL_TIMEOUT
            )
            connection.connect()
            connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._local.connection = connection
            with self._opened_lock:
                self._opened.append(connection)
        return connection

    def _drop(self, connection: http.client.HTTPConnection) -> None:
        self._local.connection = None
        with self._opened_lock:
            if connection in self._opened:
                self._opened.remove(connection)
        connection.close()

    def close(self) -> None:
        """Close the kept-alive connections to the platform, as a system shutting down does: until
        then each holds a server thread (and its database connection) waiting for the next call.
        A later call opens a new one."""
        with self._opened_lock:
            opened, self._opened = self._opened, []
        for connection in opened:
            connection.close()
        self._local = threading.local()

    def count(self, key: str) -> None:
        self.stats[key] = self.stats.get(key, 0) + 1

    def answer(self, request: dict[str, Any]) -> dict[str, Any]:
        """The result of `reply` (empty for a refusal)."""
        return self.reply(request).result

    def reply(self, request: dict[str, Any]) -> Reply:
        """The reply to a request, the same every time it is sent again (a duplicate, a page sent
        again after a dropped connection, a reply after midnight to a request answered before): the
        same body under the same Idempotency-Key, never `IDEMPOTENCY_KEY_REUSED`. It fits the
        request's `details` (the notice's amount), so the platform accepts it; property inquiries and
        controls answer from what the respondents own (`holdings`, the same for a debtor every time)."""
        pk = int(request["id"])
        with self._seen_lock:
            if pk in self.answers:
                return self.answers[pk]
        found = reply_for(self.with_respondents(request))
        with self._seen_lock:
            if pk not in self.answers:
                if len(self.answers) >= ANSWERS_KEPT:
                    del self.answers[next(iter(self.answers))]  # the oldest: long since recorded
                self.answers[pk] = found
            return self.answers[pk]

    def with_respondents(self, request: dict[str, Any]) -> dict[str, Any]:
        """A pushed request names nobody: a property inquiry or a control reads its respondents from
        `GET requests/{id}/`, as a bank's system looks up whom it must search (the view is logged,
        R-ID-05). Unreachable: answered without them (made up from the request's id)."""
        if (
            "respondents" in request
            or request.get("request_type") not in holdings.INQUIRIES | holdings.CONTROLS
        ):
            return request
        try:
            status, body = self.call("GET", f"requests/{int(request['id'])}/")
        except (ConnectionError, OSError):
            return request
        return body if status == 200 and isinstance(body, dict) else request

    # --- behaviour --------------------------------------------------------------------------------

    def poll(self) -> list[dict[str, Any]]:
        status, body = self.call("GET", "requests/?status=sent&limit=100")
        return body.get("results", []) if status == 200 and isinstance(body, dict) else []

    def handle(self, request: dict[str, Any]) -> None:
        """Acknowledge, work a little, reply — or misbehave as the fault rate says."""
        self.call("POST", f"requests/{request['id']}/acknowledge/")
        self.count("acknowledged")
        fault = self.rng.choice(self.faults.kinds) if self.rng.random() < self.faults.rate else ""
        if fault == "drop":  # the system 'timed out': nothing is answered this round; it is polled again
            self.count("dropped")
            return
        low, high = self.delay
        time.sleep(self.rng.uniform(low, high) * (5 if fault == "late" else 1))
        reply = self.reply(request)
        body: dict[str, Any] = {"outcome": reply.outcome, "result": reply.result}
        if reply.reason:
            body["reason"] = reply.reason
        key = f"sim-{request['id']}"
        for _ in range(2 if fault == "duplicate" else 1):
            status, _answer = self.call(
                "POST", f"requests/{request['id']}/reply/", body, {"Idempotency-Key": key}
            )
            self.count(f"reply_{status}")
        if fault:
            self.count(fault)

    def poll_acknowledged(self) -> list[dict[str, Any]]:
        """Requests acknowledged but not answered (a dropped round): answered on a later pass."""
        status, body = self.call("GET", "requests/?status=acknowledged&limit=100")
        return body.get("results", []) if status == 200 and isinstance(body, dict) else []

    def take_pushed(self) -> list[dict[str, Any]]:
        """The requests announced by webhook since the last pass, fetched through the API."""
        found = []
        while not self.pushed.empty():
            status, body = self.call("GET", f"requests/{self.pushed.get()}/")
            if status == 200 and body.get("status") == "sent":
                found.append(body)
        return found

    # --- batch mode: a bank's core system answering pages of requests ---------------------------

    def run_batched(
        self,
        *,
        until: float | None = None,
        interval: float = 0.05,
        poll_every: float = 5.0,
        page: int = 500,
        poll_page: int = 100,
    ) -> dict[str, int]:
        """Take pushed requests as they come (the push carries what the answer needs), answer each after
        its delay through `requests/replies/` in pages of up to `page`; faults: a duplicate reply
        (the same reply again in a later page), a late one (five times the delay), a dropped one
        (found again by the periodic poll). Runs until `until` (time.monotonic()) or for ever."""
        self.batched = True  # the receiver now hands over the pushed requests themselves
        if self.server is not None:
            threading.Thread(target=self.server.serve_forever, daemon=True).start()
        due: list[tuple[float, int, int, dict[str, Any]]] = []
        answered: set[int] = set()
        self._next_poll = time.monotonic() + poll_every
        try:
            while not self.stopping.is_set() and (until is None or time.monotonic() < until):
                try:
                    self._batched_round(due, answered, page, poll_page, interval, poll_every)
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    self.count("server_unreachable")  # the platform is busy or restarting: try again shortly
                    time.sleep(0.2)
        finally:
            self.close()
        return self.stats

    def _batched_round(
        self, due: list[tuple[float, int, int, dict[str, Any]]], answered: set[int], page: int, poll_page: int,
        interval: float, poll_every: float,
    ) -> None:  # fmt: skip
        now = time.monotonic()
        fresh = self.take_pushed_payloads()
        for request in fresh:
            self.schedule(due, request, now)
        if now >= self._next_poll:
            self._next_poll = now + poll_every
            waiting = {item[1] for item in due} | answered
            for request in self.poll_page(poll_page, waited=poll_every):
                if request["id"] not in waiting:
                    self.schedule(due, request, now)
        # Like a bank's batch job, a page goes when it is full or its oldest reply has waited LINGER.
        ripe = [entry for entry in heapq.nsmallest(page, due) if entry[0] <= now]
        if not ripe or (len(ripe) < page and ripe[0][0] > now - LINGER):
            time.sleep(interval)
            return
        ready = [heapq.heappop(due)[-1] for _ in ripe]
        started = time.monotonic()
        try:
            answered.update(self.reply_page(ready))
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            for item in ready:  # answered again later, under the same keys
                heapq.heappush(due, (now + 1, item["id"], next(self._order), item))
            raise
        self.stats["page_ms"] = self.stats.get("page_ms", 0) + int((time.monotonic() - started) * 1000)
        self.count("pages")

    def schedule(
        self, due: list[tuple[float, int, int, dict[str, Any]]], request: dict[str, Any], now: float
    ) -> None:
        fault = self.rng.choice(self.faults.kinds) if self.rng.random() < self.faults.rate else ""
        if fault == "drop":
            self.count("dropped")  # not answered now: the next poll finds it still waiting
            return
        low, high = self.delay
        wait = self.rng.uniform(low, high) * (5 if fault == "late" else 1)
        heapq.heappush(due, (now + wait, request["id"], next(self._order), request))
        if fault == "duplicate":
            heapq.heappush(due, (now + wait + high, request["id"], next(self._order), request))
        if fault:
            self.count(fault)

    def reply_page(self, requests: list[dict[str, Any]]) -> list[int]:
        """One call with up to 500 replies, each under its own Idempotency-Key; returns the ids the
        platform has recorded (a 200: applied now, or the replay of an earlier answer)."""
        replies = []
        for request in requests:
            reply = self.reply(request)
            replies.append({"id": request["id"], "idempotency_key": f"sim-{request['id']}", "outcome": reply.outcome,
                            "result": reply.result, **({"reason": reply.reason} if reply.reason else {})})  # fmt: skip
        status, body = self.call("POST", "requests/replies/", {"replies": replies})
        if status != 200:
            self.count(f"batch_{status}")
            raise ConnectionError(f"batch refused: {status}")
        done = []
        for item in body["results"]:
            self.count(f"reply_{item['status']}")
            if item["status"] == 200:
                done.append(item["id"])
        return done

    def take_pushed_payloads(self) -> list[dict[str, Any]]:
        found = []
        while not self.pushed_payloads.empty():
            found.append(self.pushed_payloads.get())
        return found

    def poll_page(self, page: int, waited: float = 0.0) -> list[dict[str, Any]]:
        """The requests still waiting; with `waited`, only those sent at least that many seconds ago
        (what a push may have missed, not what the pushes have just brought)."""
        query = f"status=sent&limit={page}"
        if waited:
            moment = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=waited)
            query += "&" + urllib.parse.urlencode({"sent_before": moment.isoformat()})
        status, body = self.call("GET", f"requests/?{query}")
        return body.get("results", []) if status == 200 and isinstance(body, dict) else []

    def run(self, *, rounds: int | None = None, interval: float = 1.0) -> dict[str, int]:
        if self.server is not None:
            threading.Thread(target=self.server.serve_forever, daemon=True).start()
        done = 0
        try:
            while rounds is None or done < rounds:
                try:
                    for request in self.take_pushed() + self.poll() + self.poll_acknowledged():
                        self.handle(request)
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    self.count("server_unreachable")  # the platform is starting or restarting
                done += 1
                time.sleep(interval)
        finally:
            self.close()
        return self.stats


def _json(data: bytes) -> Any:
    """The answer's JSON; None for an empty or non-JSON body (a proxy's or a crashed server's page)."""
    try:
        return json.loads(data or b"null")
    except ValueError:
        return None


# --- realistic answers ---------------------------------------------------------------------------

PLACES = ("綦江区公安局车辆停放场", "綦江区人民法院执行车辆停放点", "古南街道派出所院内")
TEXTS: dict[str, tuple[str, ...]] = {
    "method": ("直接送达", "留置送达", "电子送达"),
    "recipient": ("受送达人本人", "受送达人之妻（同住成年家属）", "公司前台工作人员"),
    "failure_reason": ("经多次上门，受送达人不在住所，邻居称已外出务工", "查无此人", "当事人下落不明"),
    "basis": ("同地段近三个月成交均价", "区税务局存量房计税价格", "同类车辆二手市场报价"),
    "valuer": ("国家税务总局重庆市綦江区税务局", "綦江区价格认证中心"),
    "sightings_via": ("住宿登记预警，电话通知承办人", "平台消息与承办人电话"),
    "delivered_to": ("綦江区拘留所", "綦江区人民法院执行局"),
    "notified_body": ("中共重庆市綦江区纪律检查委员会", "中共重庆市綦江区委组织部"),
    "response": ("已约谈当事人，督促其履行", "已转所在单位党组织处理"),
    "platform": ("信用中国（重庆）", "重庆市公共信用信息平台"),
    "period": ("2025年第四季度", "2026年1月", "2025年度"),
    "tax_kind": ("增值税", "个人所得税", "企业所得税", "增值税专用发票"),
    "company": ("重庆某建材有限公司", "綦江某商贸有限公司", "重庆某物流有限公司"),
    "share": ("认缴出资50万元（持股25%）", "实缴出资120万元（持股60%）"),
    "document_type": ("普通护照", "往来港澳通行证", "往来台湾通行证"),
    "status": ("在用", "停机"),
    "registration_authority": ("綦江区公安局古南派出所", "綦江区公安局文龙派出所", "綦江区公安局三江派出所"),
    "marital_status": ("已婚",),
    "spouse": ("王某某", "刘某某", "陈某某"),
    "employer": ("重庆某建材有限公司", "綦江某商贸有限公司", "重庆某物流有限公司"),
    "insurance_status": ("在职参保缴费", "暂停缴费", "退休领取养老金"),
    "holdings": ("长江电力 2,000股", "重庆银行 5,000股", "国债逆回购 100,000元"),
    "encumbrance": ("无", "已抵押给中国建设银行綦江支行"),
}
ADDRESSES = ("registered_address", "current_address", "address")


def _text(name: str, request_type: str, rng: random.Random) -> str:
    if name in TEXTS:
        return rng.choice(TEXTS[name])
    if name == "institution":
        return rng.choice(BANKS)
    if name == "number" and request_type == "inquire_phone":
        return "1" + "".join(rng.choice("0123456789") for _ in range(10))
    if name == "number":
        return rng.choice("EGK") + "".join(rng.choice("0123456789") for _ in range(8))
    if name in ("account", "transfer_reference", "record_id"):
        return "".join(rng.choice("0123456789") for _ in range(16))
    if name in ("border_reference", "reference"):
        return f"渝綦{rng.randrange(2024, 2027)}第{rng.randrange(100, 9999)}号"
    if name == "plate":
        return f"渝B·{rng.randrange(10000, 99999)}"
    if name == "kept_at":
        return rng.choice(PLACES)
    if name == "description":
        if request_type == "inquire_vehicles":
            return f"渝B·{rng.randrange(10000, 99999)} 小型普通客车"
        return f"重庆市綦江区{rng.choice(STREETS)}{rng.randrange(1, 300)}号{rng.randrange(1, 30)}-{rng.randrange(1, 6)}"
    if name == "certificate":
        return f"渝（{rng.randrange(2015, 2025)}）綦江区不动产权第{rng.randrange(1000000, 9999999)}号"
    if name == "location":
        return f"重庆市綦江区{rng.choice(STREETS)}"
    if name in ADDRESSES:
        return f"重庆市綦江区{rng.choice(STREETS)}{rng.randrange(1, 300)}号"
    if name == "outcome":
        return "已按通知办理"
    return ""


def _amount(name: str, rng: random.Random, cap: Decimal | None) -> str:
    """A balance-like amount; what a control moved is at most the notice's amount (R-ASSET-03)."""
    mean = 13 if name == "price" else 9
    amount = Decimal(f"{rng.lognormvariate(mean, 1.2):.2f}").max(Decimal("0.01"))
    if cap is not None:
        amount = min(amount, cap) if rng.random() < 0.5 else cap  # the account held less, or enough
    return f"{amount:.2f}"


def _date(name: str, rng: random.Random, today: dt.date) -> str:
    """A day or more back for what was done (a server a time zone ahead still calls it past); for a
    term still running (`frozen_until`, `valid_until` …) a day within a year, inside every legal
    maximum (policy.max_term_end)."""
    if name.endswith("_until"):
        return (today + dt.timedelta(days=rng.randint(30, 360))).isoformat()
    return (today - dt.timedelta(days=rng.randint(1, 5))).isoformat()


@dataclass(frozen=True)
class _Ask:
    """What an answer is made from: the type, whether it succeeded, the notice's cap, the day."""

    request_type: str
    found: bool
    cap: Decimal | None
    today: dt.date


def _value(spec: policy.Field, ask: _Ask, rng: random.Random) -> Any:
    if spec.kind == "bool":
        return ask.found
    if spec.kind == "amount":
        capped = policy.CAPPED_AMOUNTS.get(ask.request_type) == spec.name
        return _amount(spec.name, rng, ask.cap if capped else None)
    if spec.kind == "date":
        return _date(spec.name, rng, ask.today)
    if spec.kind == "items":  # each row with what a unit keeps of it (an optional cell when known)
        rows = [{sub.name: _value(sub, ask, rng) for sub in spec.item if sub.required or _known(sub, ask)}
                for _ in range(rng.randint(1, 3))] if ask.found else []  # fmt: skip
        return [{name: cell for name, cell in row.items() if cell != ""} for row in rows]
    return _text(spec.name, ask.request_type, rng) or ("—" if spec.required else "")


def _known(spec: policy.Field, ask: _Ask) -> bool:
    """An optional detail the simulator can make up realistically: any date or amount, a text it knows."""
    return spec.kind in ("date", "amount") or bool(_text(spec.name, ask.request_type, random.Random(0)))


def _cap(details: dict[str, Any] | None) -> Decimal | None:
    try:
        cap = Decimal(str((details or {}).get("amount") or ""))
    except ArithmeticError:
        return None
    return cap.quantize(Decimal("0.01"), ROUND_DOWN) if cap.is_finite() and cap >= Decimal("0.01") else None


def result_for(
    request_type: str, rng: random.Random, details: dict[str, Any] | None = None, today: dt.date | None = None
) -> dict[str, Any]:
    """A result of the type's shape (policy.RESULT_FIELDS) that the platform accepts: no more frozen,
    deducted or released than the request's `details` ask for and dates that fit `today`
    (policy.check_result_against), what a yes or a no makes necessary (policy.REQUIRED_WHEN), and for
    an inquiry that finds something what was found (policy.FOUND_NEEDS: a vehicle with its plate, an
    address, a document, with the details a unit keeps). About 40% of inquiries find something; most
    measures are carried out."""
    inquiry = request_type.startswith("inquire_") or request_type == "archive_search"
    ask = _Ask(
        request_type, rng.random() < (0.4 if inquiry else 0.85), _cap(details), today or dt.date.today()
    )
    needed = {name for flag, value, names in policy.REQUIRED_WHEN.get(request_type, ()) if value is ask.found
              for name in names}  # fmt: skip
    if ask.found and request_type in policy.FOUND_NEEDS:  # what was found, in the details a unit keeps
        needed |= {spec.name for spec in policy.result_fields(request_type) if _known(spec, ask)}
        needed |= {name for group in policy.FOUND_NEEDS[request_type] for name in group}
    if request_type == "seize":
        needed.add("seized_until")  # a seizure in effect (not waiting, R-ASSET-04) has its term
    result = {}
    for spec in policy.result_fields(request_type):
        if spec.required or spec.kind == "items" or spec.name in needed:
            value = _value(spec, ask, rng)
            if value not in ([], ""):
                result[spec.name] = value
    return result


def reply_for(request: dict[str, Any], today: dt.date | None = None) -> Reply:
    """A request's reply. With its respondents (`respondents`, whole or masked numbers), a property
    inquiry answers what they own and a control measure is confirmed in full, in part or refused as
    their accounts and items allow (`holdings`: the same debtor, the same property, every time);
    otherwise a result of the type's shape made up from the request's id (`result_for`)."""
    request_type = str(request.get("request_type", ""))
    details = request.get("details") if isinstance(request.get("details"), dict) else {}
    day = today or dt.date.today()
    respondents = request.get("respondents")
    if isinstance(respondents, list) and respondents:
        held = holdings.holdings_for(r for r in respondents if isinstance(r, dict))
        if request_type in holdings.INQUIRIES:
            return Reply("completed", holdings.inquiry_result(request_type, held, day))
        if request_type in holdings.CONTROLS:
            return holdings.control_reply(
                request_type, details or {}, held, request_id=int(request["id"]), today=day
            )
    return Reply("completed", result_for(request_type, answer_rng(int(request["id"])), details, day))


def answer_rng(request_id: int) -> random.Random:
    """The answer to a request depends on its id alone (and the day: `Agency.answer` keeps it)."""
    return random.Random(request_id)
