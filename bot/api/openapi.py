"""The API described for tools and people (OpenAPI 3.1), served at /openapi.json. Every route
of the server is here and nothing else (tests/test_api_routes.py checks both ways)."""

from __future__ import annotations

from bot import __version__
from bot.api.body import GROUPS_LIMIT, JSON_LIMIT, MEDIA_LIMIT
from bot.api.routes import OFFSET_MAX, PAGE_DEFAULT, PAGE_MAX
from bot.models import MediaKind, PostStatus

_STATES = [s.value for s in PostStatus]
_ERROR = {
    "description": "Ditolak; alasannya dalam bahasa Indonesia, sama dengan jawaban di chat.",
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {"error": {"type": "string"}},
                "required": ["error"],
            }
        }
    },
}
_ID = {
    "name": "id",
    "in": "path",
    "required": True,
    "description": "Nomor post (seperti di /antrian); nomor seri menamai seluruh serinya.",
    "schema": {"type": "integer", "minimum": 0, "maximum": 999_999_999_999},
}
_POST_REF = {"$ref": "#/components/schemas/Post"}


def _json(schema: object, description: str) -> dict[str, object]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_NEW_POST = {
    "type": "object",
    "additionalProperties": False,
    "required": ["when"],
    "properties": {
        "when": {
            "type": "string",
            "minLength": 1,
            "description": "Waktu seperti di /jadwal (besok 08:00, dalam 30 menit, "
            "setiap senin 09:00) atau ISO 8601 (2026-12-25T08:00:00+07:00).",
        },
        "text": {"type": "string", "description": "Isi post (caption bila ada media)."},
        "groups": {
            "type": "array",
            "maxItems": GROUPS_LIMIT,
            "items": {"type": ["string", "integer"]},
            "description": "Nomor dari GET /groups atau nama grup, seperti ke: di /jadwal; "
            "tanpa ini: tujuan /tujuan.",
        },
        "repeat": {
            "type": "string",
            "description": "Aturan ulang seperti di /jadwal, dibaca di depan when: "
            'repeat "setiap senin" dan when "09:00".',
        },
    },
}

OPENAPI: dict[str, object] = {
    "openapi": "3.1.0",
    "info": {
        "title": "jadwal-bot",
        "version": __version__,
        "description": "Jadwalkan post WhatsApp dari skrip di mesin yang sama. Semua alamat "
        "kecuali /health meminta Authorization: Bearer <JADWAL_API_TOKEN> (bila diisi).",
    },
    "components": {
        "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
        "schemas": {
            "Post": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "series": {"type": ["integer", "null"]},
                    "state": {"enum": _STATES},
                    "due": {"type": "string", "format": "date-time"},
                    "created": {"type": "string", "format": "date-time"},
                    "text": {"type": "string"},
                    "repeat": {"type": ["string", "null"]},
                    "media": {
                        "type": ["object", "null"],
                        "properties": {
                            "kind": {"enum": [k.value for k in MediaKind]},
                            "mime": {"type": ["string", "null"]},
                            "file_name": {"type": ["string", "null"]},
                        },
                    },
                    "mention_all": {"type": "boolean"},
                    "poll": {"type": "boolean"},
                    "destinations": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "group": {"type": "string"},
                                "name": {"type": "string"},
                                "state": {"enum": _STATES},
                                "sent_at": {"type": ["string", "null"], "format": "date-time"},
                                "error": {"type": ["string", "null"]},
                            },
                        },
                    },
                },
            }
        },
    },
    "security": [{"token": []}],
    "paths": {
        "/health": {
            "get": {
                "summary": "Berjalan dan terhubung? (sama dengan python -m bot health)",
                "security": [],
                "responses": {
                    "200": _json({"type": "object"}, "Berjalan dan terhubung."),
                    "503": _json({"type": "object"}, "Berhenti, macet atau tidak terhubung."),
                },
            }
        },
        "/metrics": {
            "get": {
                "summary": "Metrik Prometheus (format teks 0.0.4).",
                "responses": {
                    "200": {
                        "description": "Metrik.",
                        "content": {"text/plain; version=0.0.4": {"schema": {"type": "string"}}},
                    }
                },
            }
        },
        "/openapi.json": {
            "get": {
                "summary": "Dokumen ini.",
                "responses": {"200": _json({"type": "object"}, "OpenAPI 3.1.")},
            }
        },
        "/groups": {
            "get": {
                "summary": "Grup yang diikuti, bernomor seperti /grup.",
                "responses": {
                    "200": _json({"type": "object"}, "Daftar grup."),
                    "503": _ERROR,
                },
            }
        },
        "/posts": {
            "get": {
                "summary": "Post menurut waktu kirim, per halaman.",
                "parameters": [
                    {"name": "state", "in": "query", "schema": {"enum": _STATES}},
                    {
                        "name": "limit",
                        "in": "query",
                        "schema": {
                            "type": "integer",
                            "minimum": 1,
                            "maximum": PAGE_MAX,
                            "default": PAGE_DEFAULT,
                        },
                    },
                    {
                        "name": "offset",
                        "in": "query",
                        "schema": {
                            "type": "integer",
                            "minimum": 0,
                            "maximum": OFFSET_MAX,
                            "default": 0,
                        },
                    },
                ],
                "responses": {
                    "200": _json(
                        {
                            "type": "object",
                            "properties": {
                                "posts": {"type": "array", "items": _POST_REF},
                                "total": {"type": "integer"},
                                "limit": {"type": "integer"},
                                "offset": {"type": "integer"},
                                "next_offset": {"type": ["integer", "null"]},
                            },
                        },
                        "Satu halaman.",
                    ),
                    "400": _ERROR,
                },
            },
            "post": {
                "summary": "Jadwalkan post, seperti /jadwal.",
                "requestBody": {
                    "required": True,
                    "description": f"JSON paling besar {JSON_LIMIT} byte.",
                    "content": {
                        "application/json": {"schema": _NEW_POST},
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "required": ["post"],
                                "properties": {
                                    "post": {
                                        "type": "string",
                                        "description": "JSON seperti application/json, "
                                        "ditambah media_kind (pilihan: "
                                        + ", ".join(k.value for k in MediaKind)
                                        + "; tanpa itu: dari Content-Type berkasnya).",
                                    },
                                    "media": {
                                        "type": "string",
                                        "format": "binary",
                                        "description": f"Paling besar {MEDIA_LIMIT} byte; "
                                        "batas tiap jenis media sama dengan di chat.",
                                    },
                                },
                            }
                        },
                    },
                },
                "responses": {
                    "201": _json(_POST_REF, "Dijadwalkan."),
                    "400": _ERROR,
                    "413": _ERROR,
                    "415": _ERROR,
                    "422": _ERROR,
                },
            },
        },
        "/posts/{id}": {
            "get": {
                "summary": "Satu post.",
                "parameters": [_ID],
                "responses": {"200": _json(_POST_REF, "Post."), "400": _ERROR, "404": _ERROR},
            },
            "delete": {
                "summary": "Batalkan, seperti /batal; grup yang sudah menerima tetap.",
                "parameters": [_ID],
                "responses": {
                    "200": _json(_POST_REF, "Post sesudah dibatalkan."),
                    "400": _ERROR,
                    "404": _ERROR,
                    "409": _ERROR,
                },
            },
        },
        "/posts/{id}/send": {
            "post": {
                "summary": "Kirim sekarang, seperti /kirim.",
                "parameters": [_ID],
                "responses": {
                    "200": _json(_POST_REF, "Post, menunggu giliran kirim."),
                    "400": _ERROR,
                    "404": _ERROR,
                    "409": _ERROR,
                },
            }
        },
    },
}


def _with_token_refusal(spec: dict[str, object]) -> None:
    """Every operation that asks for the token may answer 401 (bot.api.server._authorized)."""
    paths = spec["paths"]
    assert isinstance(paths, dict)
    for operations in paths.values():
        for operation in operations.values():
            if operation.get("security") != []:
                operation["responses"]["401"] = _ERROR


_with_token_refusal(OPENAPI)
