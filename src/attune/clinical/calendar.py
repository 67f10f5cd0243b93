"""Calendar files (RFC 5545) for a client's sessions. What goes in is decided here, once: the title is the one
neutral word "Appointment", and the file carries only the time, the place or link, and an id. No name (the
client's, the clinician's, the practice's or this software's; the id is a bare UUID, not an address on the
practice's domain), no kind of session, nothing clinical: a calendar is often synced to
other devices and seen by other people."""

from __future__ import annotations

import datetime

from attune.clinical.models import Appointment

TITLE = "Appointment"


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r", "").replace("\n", "\\n")


def _utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _fold(line: str) -> str:
    """Lines longer than 75 octets are folded (RFC 5545 3.1)."""
    raw = line.encode()
    if len(raw) <= 75:
        return line
    parts: list[str] = []
    current = b""
    for ch in line:
        encoded = ch.encode()
        if len(current) + len(encoded) > (75 if not parts else 74):
            parts.append(current.decode())
            current = b""
        current += encoded
    parts.append(current.decode())
    return "\r\n ".join(parts)


def ics(appointment: Appointment, stamp: datetime.datetime) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Calendar//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{appointment.pk}",
        f"DTSTAMP:{_utc(stamp)}",
        f"DTSTART:{_utc(appointment.starts_at)}",
        f"DTEND:{_utc(appointment.ends_at)}",
        f"SUMMARY:{TITLE}",
    ]
    if appointment.place:
        lines.append(f"LOCATION:{_escape(appointment.place)}")
    if appointment.video_link:
        lines.append(f"URL:{_escape(appointment.video_link)}")
        if not appointment.place:
            lines.append(f"LOCATION:{_escape(appointment.video_link)}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
