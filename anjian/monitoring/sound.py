"""The console's alarm sound, made here so that nothing is fetched from anywhere: two
rising tones (880 and 1,320 Hz) twice, under a second, with 10 ms fades (no click).

``python -m anjian.monitoring.sound`` writes ``static/monitoring/sound/alarm.wav``; the
shipped file is that output (a test reads it back).
"""

import io
import math
import struct
import wave
from pathlib import Path

RATE = 16_000
VOLUME = 0.5
FADE_SECONDS = 0.01
# (frequency in Hz, 0 = silence; seconds)
PATTERN = [(880, 0.18), (0, 0.06), (1320, 0.18), (0, 0.12), (880, 0.18), (0, 0.06), (1320, 0.18)]
PATH = Path(__file__).parent / "static" / "monitoring" / "sound" / "alarm.wav"


def samples() -> bytes:
    frames = bytearray()
    fade = RATE * FADE_SECONDS
    for frequency, seconds in PATTERN:
        count = int(RATE * seconds)
        for i in range(count):
            level = 0.0
            if frequency:
                envelope = min(1.0, i / fade, (count - i) / fade)
                level = VOLUME * envelope * math.sin(2 * math.pi * frequency * i / RATE)
            frames += struct.pack("<h", round(level * 32767))
    return bytes(frames)


def wav() -> bytes:
    """The sound as a WAV file: mono, 16-bit, 16 kHz."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(samples())
    return buffer.getvalue()


if __name__ == "__main__":
    PATH.write_bytes(wav())
    print(f"{PATH} ({PATH.stat().st_size:,} bytes)")
