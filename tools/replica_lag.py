#!/usr/bin/env python3
"""How long events take to reach a subscriber: subscribes to a Hatchery server from its head on for
SECONDS and prints, over the events pushed meanwhile, the lag of each (the time it arrived here
minus its recorded_at on the primary; the primary and this program share the machine's clock).

    tools/replica_lag.py HOST:PORT TOKEN SECONDS LABEL

prints `LABEL: events=N lag_ms p50=… p99=… max=…`. Used by tools/bench_replica, against the
replica (a read replica's end-to-end lag) and the primary (the same subscriber's lag without
replication: the baseline)."""
import datetime
import json
import select
import socket
import sys
import time


def main():
    address, token, seconds, label = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
    host, port = address.rsplit(":", 1)
    sock = socket.create_connection((host, int(port)))

    def call(request):  # the answer, read a byte at a time: nothing after it is taken
        sock.sendall((json.dumps(request) + "\n").encode())
        line = b""
        while not line.endswith(b"\n"):
            line += sock.recv(1)
        return json.loads(line)

    head = call({"id": 1, "op": "hello", "token": token})["result"]["tree_size"]
    call({"id": 2, "op": "subscribe", "from_seq": head + 1})
    lags = []
    buffered = b""
    end = time.time() + seconds
    while time.time() < end:
        ready, _, _ = select.select([sock], [], [], 0.5)
        if not ready:
            continue
        data = sock.recv(1 << 20)
        if not data:
            break
        arrived = time.time()
        buffered += data
        *lines, buffered = buffered.split(b"\n")
        for line in lines:
            message = json.loads(line)
            if message.get("push") != "event":
                continue
            recorded = datetime.datetime.strptime(message["event"]["recorded_at"],
                                                  "%Y-%m-%dT%H:%M:%S.%fZ")
            recorded = recorded.replace(tzinfo=datetime.timezone.utc).timestamp()
            lags.append((arrived - recorded) * 1000.0)
    lags.sort()

    def at(q):
        return lags[min(len(lags) - 1, int(q * len(lags)))] if lags else float("nan")

    print(f"{label}: events={len(lags)} lag_ms p50={at(0.5):.1f} p99={at(0.99):.1f} "
          f"max={at(1.0):.1f}")


if __name__ == "__main__":
    main()
