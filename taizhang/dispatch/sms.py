"""SMS text: its length and segments (70 characters per segment, as Chinese SMS count)."""

SEGMENT = 70


def sms_segments(text: str) -> dict:
    length = len(text or "")
    return {"text": text, "length": length, "segments": -(-length // SEGMENT) if length else 0}
