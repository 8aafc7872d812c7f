"""A real HTTP server on 127.0.0.1 that stands in for a Slack incoming webhook.

It records every POST (path, headers, decoded JSON body) and answers the way Slack does: ``200 ok`` by default, or
the scripted answers a test queues (``429`` with ``Retry-After``, ``500 rollup_error``, ``410 channel_is_archived``
...), or, with ``rate_per_second`` set, a token bucket like Slack's (about one message a second, short bursts
allowed) that answers ``429 rate_limited`` with ``Retry-After`` when the bucket is empty.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

WEBHOOK_PATH = "/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"


@dataclass(frozen=True)
class Answer:
    """One scripted webhook answer."""

    status: int = 200
    body: str = "ok"
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ReceivedPost:
    path: str
    headers: dict[str, str]
    raw_body: bytes
    answered_status: int

    @property
    def payload(self) -> Any:
        return json.loads(self.raw_body)


class SlackReceiver:
    """Use as a context manager; ``webhook_url`` is where to post."""

    def __init__(self, rate_per_second: float | None = None, burst: int = 3) -> None:
        self.rate_per_second = rate_per_second
        self.burst = burst
        self.posts: list[ReceivedPost] = []
        self._script: deque[Answer] = deque()
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        self._tokens = float(burst)
        self._refilled_at = time.monotonic()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def webhook_url(self) -> str:
        assert self._server is not None, "start the receiver first"
        return f"http://127.0.0.1:{self._server.server_port}{WEBHOOK_PATH}"

    def script(self, *answers: Answer) -> None:
        """Queue answers for the next posts; once they are used up, posts get 200 ok again."""
        with self._lock:
            self._script.extend(answers)

    @property
    def delivered(self) -> list[ReceivedPost]:
        """Posts that were answered 200, i.e. that Slack would show."""
        with self._lock:
            return [post for post in self.posts if post.answered_status == 200]

    def wait_for_posts(self, count: int, timeout_s: float = 10.0) -> list[ReceivedPost]:
        """Block until at least ``count`` posts arrived (a condition variable, not a sleep)."""
        with self._arrived:
            self._arrived.wait_for(lambda: len(self.posts) >= count, timeout=timeout_s)
            return list(self.posts)

    def _answer_for_next_post(self) -> Answer:
        with self._lock:
            if self._script:
                return self._script.popleft()
            if self.rate_per_second is None:
                return Answer()
            now = time.monotonic()
            self._tokens = min(float(self.burst), self._tokens + (now - self._refilled_at) * self.rate_per_second)
            self._refilled_at = now
            if self._tokens >= 1.0:
                self._tokens -= 1.0
                return Answer()
            wait_s = math.ceil((1.0 - self._tokens) / self.rate_per_second)
            return Answer(429, "rate_limited", {"Retry-After": str(wait_s)})

    def _record(self, post: ReceivedPost) -> None:
        with self._arrived:
            self.posts.append(post)
            self._arrived.notify_all()

    def start(self) -> SlackReceiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw_body = self.rfile.read(length)
                answer = receiver._answer_for_next_post()
                # Recorded before answering: once the poster has its answer, the post is visible to the test.
                receiver._record(ReceivedPost(self.path, dict(self.headers.items()), raw_body, answer.status))
                body = answer.body.encode()
                self.send_response(answer.status)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(body)))
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep test output clean; the posts are recorded instead

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        # A short poll interval so stop() returns at once instead of after serve_forever's default half second.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="slack-receiver", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> SlackReceiver:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
