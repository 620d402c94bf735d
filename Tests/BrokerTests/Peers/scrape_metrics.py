#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Scrapes an HTTP endpoint as Prometheus would and prints one JSON object:

  {"status", "content_type", "seconds", "body", "samples": [{"family","type","name","labels","value"}]}

`samples` (for a 200 answer to GET) come from prometheus_client's parser of the
text format, so a body Prometheus could not read fails here (exit 3).
--wait S retries a refused connection for up to S seconds (the server starting).
"""
import argparse
import json
import sys
import time
import urllib.error
import urllib.request

from prometheus_client.parser import text_string_to_metric_families


def fetch(url: str, method: str, timeout: float):
    request = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers.get("Content-Type"), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type"), error.read()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--method", default="GET")
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("--wait", type=float, default=0.0)
    args = parser.parse_args()

    deadline = time.monotonic() + args.wait
    while True:
        started = time.monotonic()
        try:
            status, content_type, body = fetch(args.url, args.method, args.timeout)
            break
        except urllib.error.URLError as error:
            if not isinstance(error.reason, ConnectionRefusedError) or time.monotonic() >= deadline:
                raise
            time.sleep(0.05)
    seconds = time.monotonic() - started
    text = body.decode("utf-8")
    result = {"status": status, "content_type": content_type, "seconds": seconds, "body": text}
    if status == 200 and args.method == "GET":
        try:
            families = list(text_string_to_metric_families(text))
        except Exception as error:  # the parser's own words, for the test's message
            print(f"not Prometheus' text format: {error}", file=sys.stderr)
            sys.exit(3)
        result["samples"] = [
            {"family": family.name, "type": family.type, "name": sample.name, "labels": sample.labels,
             "value": sample.value}
            for family in families for sample in family.samples
        ]
    print(json.dumps(result))


if __name__ == "__main__":
    main()
