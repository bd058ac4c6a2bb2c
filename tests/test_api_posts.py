"""POST /posts and the routes on one post, through a real HTTP client against a started bot:
what is queued is what /jadwal queues, refused with the chat's words, and really sent."""

from __future__ import annotations

import json
from datetime import datetime

import httpx
import pytest

from bot import messages as m
from bot.models import PostStatus
from bot.settings import Settings
from tests.conftest import SATURDAY_EVENING, BotFactory
from tests.fakes import GROUPS, PNG, eventually
from tests.test_api_kit import Api, api_fixture, start_api

__all__ = ["api_fixture"]  # the `api` fixture

DEMO_A, DEMO_B, ALUMNI = GROUPS


async def _post(api: Api, **fields: object) -> httpx.Response:
    return await api.client.post("/posts", json=fields)


async def _chat_refusal(api: Api, command: str) -> str:
    """What the chat answers to `command`, which it must refuse (nothing queued)."""
    before = await api.queued()
    reply = await api.bot.say(command)
    assert await api.queued() == before, reply
    return reply


async def test_a_post_is_queued_and_returned_as_stored(api: Api) -> None:
    response = await _post(api, when="besok 08:00", text="Selamat pagi semua")
    assert response.status_code == 201, response.text
    body = response.json()
    assert response.headers["Location"] == f"/posts/{body['id']}"
    assert body == {
        "id": 1,
        "series": None,
        "state": "pending",
        "due": "2026-11-22T08:00:00+07:00",
        "created": "2026-11-21T20:00:00+07:00",
        "text": "Selamat pagi semua",
        "repeat": None,
        "media": None,
        "mention_all": False,
        "poll": False,
        "destinations": [
            {
                "group": DEMO_A.jid,
                "name": DEMO_A.name,
                "state": "pending",
                "sent_at": None,
                "error": None,
            }
        ],
    }
    stored = await api.bot.app.store.get_post(1)
    assert stored is not None and stored.text == "Selamat pagi semua"
    assert stored.due_at == datetime.fromisoformat("2026-11-22T08:00:00+07:00")
    assert (await api.client.get("/posts/1")).json() == body


async def test_iso_times_with_an_offset_are_read_in_the_bots_zone(api: Api) -> None:
    utc = await _post(api, when="2026-11-22T01:30:00Z", text="a")
    local = await _post(api, when="2026-11-22T08:30:00+07:00", text="b")
    plain = await _post(api, when="2026-11-22T08:30", text="c")
    assert [r.json()["due"] for r in (utc, local, plain)] == ["2026-11-22T08:30:00+07:00"] * 3


async def test_groups_are_named_as_ke_names_them(api: Api) -> None:
    # /grup numbers by name: 1 Alumni SMA, 2 Grup Demo A, 3 Grup Demo B
    response = await _post(api, when="besok 08:00", text="Halo", groups=[3, "alumni"])
    assert response.status_code == 201, response.text
    assert [d["name"] for d in response.json()["destinations"]] == [DEMO_B.name, ALUMNI.name]
    assert [d["group"] for d in response.json()["destinations"]] == [DEMO_B.jid, ALUMNI.jid]


async def test_a_repeating_post(api: Api) -> None:
    response = await _post(api, when="09:00", repeat="setiap senin", text="Rapat")
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["due"] == "2026-11-23T09:00:00+07:00"
    assert body["repeat"] is not None and "Senin" in body["repeat"]
    whole = await _post(api, when="setiap hari 07:00", text="Pagi")
    assert whole.status_code == 201 and whole.json()["repeat"] is not None


@pytest.mark.parametrize(
    ("fields", "command"),
    [
        ({"when": "2026-11-20T08:00", "text": "x"}, "/jadwal 2026-11-20T08:00 x"),
        ({"when": "besok 08:00", "text": ""}, "/jadwal besok 08:00"),
        ({"when": "besok 08:00", "text": "x", "groups": [9]}, "/jadwal ke:9 besok 08:00 x"),
        (
            {"when": "besok 08:00", "text": "x", "groups": ["Nihil"]},
            "/jadwal ke:Nihil besok 08:00 x",
        ),
        ({"when": "besok 08:00", "text": "x", "groups": []}, "/jadwal ke: besok 08:00 x"),
        (
            {"when": "besok 08:00", "text": "x", "groups": [3, "Grup Demo B"]},
            '/jadwal ke:3,"Grup Demo B" besok 08:00 x',
        ),
        ({"when": "besok 08:00", "text": "x" * 65_537}, "/jadwal besok 08:00 " + "x" * 65_537),
        (
            {"when": "besok 08:00", "text": "x", "groups": ["Demo"]},
            "/jadwal ke:Demo besok 08:00 x",
        ),
    ],
)
async def test_refusals_are_the_chats_words(
    api: Api, fields: dict[str, object], command: str
) -> None:
    response = await _post(api, **fields)
    assert response.status_code == 422, response.text
    reason = response.json()["error"]
    assert reason.strip()
    assert (await _chat_refusal(api, command)).startswith(reason)
    assert await api.queued() == 0


async def test_quiet_hours_refuse_with_the_chats_words(api: Api) -> None:
    await api.bot.say("/senyap 21:00-06:00")
    response = await _post(api, when="besok 05:00", text="x")
    assert response.status_code == 422
    reason = response.json()["error"]
    assert "jam tenang" in reason
    assert (await _chat_refusal(api, "/jadwal besok 05:00 x")).startswith(reason)
    repeat = await _post(api, when="23:00", repeat="setiap hari", text="x")
    assert repeat.status_code == 422
    assert (await _chat_refusal(api, "/jadwal setiap hari 23:00 x")).startswith(
        repeat.json()["error"]
    )
    assert await api.queued() == 0


async def test_api_only_refusals(api: Api) -> None:
    rest = await _post(api, when="besok 08:00 Halo", text="x")
    assert rest.status_code == 422
    assert rest.json()["error"] == m.API_WHEN_REST.format(rest="Halo")
    repeat = await _post(api, when="besok 08:00", repeat="sesekali", text="x")
    assert repeat.status_code == 422
    assert await api.queued() == 0


async def test_no_default_group_is_the_chats_refusal(
    start_bot: BotFactory, settings: Settings
) -> None:
    async for api in start_api(start_bot, settings, target=False):
        response = await _post(api, when="besok 08:00", text="x")
        assert response.status_code == 422
        assert response.json()["error"] == m.SCHEDULE_NO_DESTINATION
        assert await api.queued() == 0


async def test_a_post_queued_over_http_is_sent_by_the_scheduler(api: Api) -> None:
    response = await _post(api, when="dalam 5 menit", text="Dari API", groups=[2, 3])
    assert response.status_code == 201
    assert api.bot.transport.posts() == []
    api.clock.advance(minutes=6)
    api.bot.services.queue_changed()
    await eventually(lambda: len(api.bot.transport.posts()) == 2, limit=10)
    assert [(s.chat, s.text) for s in api.bot.transport.posts()] == [
        (DEMO_A.jid, "Dari API"),
        (DEMO_B.jid, "Dari API"),
    ]
    await api.settled(1)
    shown = (await api.client.get("/posts/1")).json()
    assert shown["state"] == "sent"
    assert [d["state"] for d in shown["destinations"]] == ["sent", "sent"]
    assert all(d["sent_at"] for d in shown["destinations"])


async def test_a_post_queued_over_http_is_in_the_chats_queue(api: Api) -> None:
    assert (await _post(api, when="besok 08:00", text="Dari API untuk antrian")).status_code == 201
    queue = await api.bot.say("/antrian")
    assert "#1 " in queue and "Dari API untuk antrian" in queue


async def test_a_photo_by_multipart(api: Api) -> None:
    response = await api.client.post(
        "/posts",
        data={"post": json.dumps({"when": "dalam 1 menit", "text": "Promo"})},
        files={"media": ("promo.png", PNG, "image/png")},
    )
    assert response.status_code == 201, response.text
    assert response.json()["media"] == {"kind": "image", "mime": "image/png", "file_name": None}
    api.clock.advance(minutes=2)
    api.bot.services.queue_changed()
    await eventually(lambda: api.bot.transport.posts(), limit=10)
    sent = api.bot.transport.posts()[0]
    assert sent.image is not None and sent.image.read_bytes() == PNG
    assert sent.text == "Promo"


@pytest.mark.parametrize(
    ("fields", "file", "reason"),
    [
        # A video that is not MP4/3GP: the chat's reason, by its content.
        ({"text": "x"}, ("v.mp4", b"not a video at all", "video/mp4"), "Video"),
        # Audio carries no caption (WhatsApp's AudioMessage has none).
        ({"text": "x"}, ("a.mp3", b"ID3" + b"\0" * 64, "audio/mpeg"), "audio"),
        ({"text": "x"}, ("kosong.pdf", b"", "application/pdf"), "kosong"),
    ],
)
async def test_media_is_refused_as_the_chat_refuses_it(
    api: Api, fields: dict[str, object], file: tuple[str, bytes, str], reason: str
) -> None:
    response = await api.client.post(
        "/posts",
        data={"post": json.dumps({"when": "besok 08:00", **fields})},
        files={"media": file},
    )
    assert response.status_code == 422, response.text
    assert reason.lower() in response.json()["error"].lower()
    assert await api.queued() == 0
    assert list(api.bot.services.media.directory.glob("*")) == []


async def test_a_document_keeps_its_name(api: Api) -> None:
    response = await api.client.post(
        "/posts",
        data={"post": json.dumps({"when": "besok 08:00", "text": "Brosur"})},
        files={"media": ("brosur.pdf", b"%PDF-1.4 brosur", "application/pdf")},
    )
    assert response.status_code == 201, response.text
    assert response.json()["media"] == {
        "kind": "document",
        "mime": "application/pdf",
        "file_name": "brosur.pdf",
    }


async def test_list_filter_and_pages(api: Api) -> None:
    for n in range(5):
        assert (await _post(api, when=f"besok 0{n + 1}:00", text=f"p{n}")).status_code == 201
    assert (await api.client.delete("/posts/2")).status_code == 200
    page = (await api.client.get("/posts", params={"state": "pending", "limit": 2})).json()
    assert [p["text"] for p in page["posts"]] == ["p0", "p2"]
    assert (page["total"], page["next_offset"]) == (4, 2)
    last = (await api.client.get("/posts", params={"state": "pending", "offset": 2})).json()
    assert [p["text"] for p in last["posts"]] == ["p3", "p4"] and last["next_offset"] is None
    cancelled = (await api.client.get("/posts", params={"state": "cancelled"})).json()
    assert [p["id"] for p in cancelled["posts"]] == [2]
    every = (await api.client.get("/posts")).json()
    assert every["total"] == 5 and len(every["posts"]) == 5


async def test_cancel_keeps_what_was_sent(api: Api) -> None:
    created = await _post(api, when="dalam 1 menit", text="x", groups=[1, 2])
    assert created.status_code == 201
    api.bot.transport.fail_with = None
    # The first group gets it; the second is still waiting when the post is cancelled.
    post_id = created.json()["id"]
    store = api.bot.app.store
    first = (await store.get_post(post_id)).deliveries[0]  # type: ignore[union-attr]
    assert await store.move(
        post_id, PostStatus.SENDING, expect=PostStatus.PENDING, delivery_id=first.id
    )
    assert await store.move(
        post_id,
        PostStatus.SENT,
        expect=PostStatus.SENDING,
        delivery_id=first.id,
        sent_at=SATURDAY_EVENING,
    )
    response = await api.client.delete(f"/posts/{post_id}")
    assert response.status_code == 200, response.text
    assert [d["state"] for d in response.json()["destinations"]] == ["sent", "cancelled"]
    again = await api.client.delete(f"/posts/{post_id}")
    assert again.status_code == 409
    assert again.json()["error"] == m.CANNOT_CANCEL.format(
        id=post_id, status=m.STATUS_NAMES["sent"]
    )
    assert (await _chat_refusal(api, f"/batal {post_id}")).startswith(again.json()["error"])


async def test_send_now(api: Api) -> None:
    created = await _post(api, when="besok 08:00", text="Sekarang saja")
    post_id = created.json()["id"]
    response = await api.client.post(f"/posts/{post_id}/send")
    assert response.status_code == 200, response.text
    assert response.json()["due"] == "2026-11-21T20:00:00+07:00"
    await eventually(lambda: api.bot.transport.posts(), limit=10)
    assert api.bot.transport.posts()[0].text == "Sekarang saja"
    await api.settled(post_id)
    done = await api.client.post(f"/posts/{post_id}/send")
    assert done.status_code == 409
    chat = await api.bot.say(f"/kirim {post_id}")
    assert chat.startswith(done.json()["error"])


async def test_missing_posts(api: Api) -> None:
    for method, path in (("GET", "/posts/7"), ("DELETE", "/posts/7"), ("POST", "/posts/7/send")):
        response = await api.client.request(method, path)
        assert response.status_code == 404, (method, path)
        assert response.json() == {"error": m.POST_NOT_FOUND.format(id=7)}


async def test_groups_as_grup_numbers_them(api: Api) -> None:
    response = await api.client.get("/groups")
    assert response.status_code == 200
    assert response.json() == {
        "groups": [
            {"number": 1, "name": ALUMNI.name, "jid": ALUMNI.jid, "admin_only": False},
            {"number": 2, "name": DEMO_A.name, "jid": DEMO_A.jid, "admin_only": False},
            {"number": 3, "name": DEMO_B.name, "jid": DEMO_B.jid, "admin_only": False},
        ]
    }
    api.bot.transport.groups_error = RuntimeError("offline")
    unavailable = await api.client.get("/groups")
    assert unavailable.status_code == 503
    assert unavailable.json() == {"error": m.GROUPS_UNAVAILABLE}
