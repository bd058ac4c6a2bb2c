"""neonize GroupInfo -> the core's Group, with what the owner must know before posting there.

whatsmeow's GetJoinedGroups (group.go) asks for the participants of every group, so whether
the account is an admin is known without another query. Sources (whatsmeow e277b766ab33):
types/group.go GroupParent.IsParent (a community's parent: nobody posts in it),
GroupAnnounce.IsAnnounce (only admins may send), GroupParticipant.IsAdmin (also true for the
superadmin: group.go parseParticipant). A participant's JID is a phone JID or a LID, with the
other address in PhoneNumber / LID when known (parseParticipant), so both are compared.
"""

from __future__ import annotations

from collections.abc import Iterable

from neonize.proto.Neonize_pb2 import GroupInfo, GroupParticipant

from bot.models import Group
from bot.transport.whatsapp.convert import LID_SERVER, PHONE_SERVER, jid_text


def _is_me(participant: GroupParticipant, me: set[tuple[str, str]]) -> bool:
    return any(
        (address.User, address.Server) in me
        for address in (participant.JID, participant.LID, participant.PhoneNumber)
    )


def to_group(info: GroupInfo, me_phone: str, me_lid: str) -> Group | None:
    """The group as the owner sees it; None for a community parent (not a place to post).

    `me_phone` / `me_lid`: the account's own user parts ("628123...", "98765..."), as in
    neonize's Device.JID.User / Device.LID.User.
    """
    if info.GroupParent.IsParent:
        return None
    jid = jid_text(info.JID)
    me = {
        (user, server) for user, server in ((me_phone, PHONE_SERVER), (me_lid, LID_SERVER)) if user
    }
    own = next((p for p in info.Participants if _is_me(p, me)), None)
    return Group(
        jid,
        str(info.GroupName.Name) or jid,
        announce=bool(info.GroupAnnounce.IsAnnounce),
        admin=own is not None and bool(own.IsAdmin),
    )  # superadmins too


def to_groups(infos: Iterable[GroupInfo], me_phone: str, me_lid: str) -> list[Group]:
    """Every group of `client.get_joined_groups()` one can post in."""
    return [group for info in infos if (group := to_group(info, me_phone, me_lid)) is not None]
