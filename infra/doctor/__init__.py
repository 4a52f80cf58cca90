"""`teamcat doctor`: live health of the callbacks the handshake wires (docs/handshake.md).

Talks to the PagerDuty and Harness APIs over httpx. Clients take their base URL explicitly;
only the CLI fills in the real vendor hosts, so a test can never reach one by accident.
"""
