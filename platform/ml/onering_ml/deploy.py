"""The ML DAG's `deploy` step: tells the model service to load the model the alias points at now
(POST /reload), then checks it is ready and serving that version.

    python -m onering_ml.deploy --run-date D [--model-url URL] [--result FILE]

The service is $ONERING_MODEL_URL (default http://127.0.0.1:3000). Standard library only; any venv
runs it. Re-running is harmless: an unchanged champion is reported as `changed: false`.
"""
from __future__ import annotations

import json
import os
import sys
import time
import urllib.error
import urllib.request

from onering_ml import step


def call(url: str, body: dict | None = None, timeout: float = 300) -> tuple[int, dict]:
    data = json.dumps(body or {}).encode()
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as e:
        try:
            return e.code, json.loads(e.read() or b"{}")
        except ValueError:
            return e.code, {}


def work(args):
    def deploy(run_date) -> dict:
        base = args.model_url.rstrip("/")
        try:
            status, answer = call(f"{base}/reload")
        except (urllib.error.URLError, OSError) as e:
            raise step.StepFailed(f"the model service at {base} is not reachable ({e}); start it "
                                  "(make demo-ml, or the stack's bentoml service) and re-run deploy") from None
        if status != 200:
            raise step.StepFailed(f"the model service refused to reload ({status}): {answer.get('error')}; "
                                  f"{answer.get('hint', '')}")
        deadline = time.monotonic() + args.ready_timeout
        while True:
            try:
                with urllib.request.urlopen(f"{base}/readyz", timeout=10) as r:
                    if r.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                raise step.StepFailed(f"the model service at {base} reloaded but is not ready after {args.ready_timeout}s")
            time.sleep(1)
        model = answer["model"]
        return {"rows_in": 1, "rows_out": 1, "model": model, "previous": answer.get("previous"),
                "changed": answer.get("changed"), "model_url": base}
    return deploy


def main(argv: list[str] | None = None) -> int:
    p = step.parser("python -m onering_ml.deploy", __doc__.split("\n\n")[0])
    p.add_argument("--model-url", default=os.environ.get("ONERING_MODEL_URL", "http://127.0.0.1:3000"),
                   help="the model service (default $ONERING_MODEL_URL or http://127.0.0.1:3000)")
    p.add_argument("--ready-timeout", type=float, default=120.0)
    return step.main("deploy", p, work, argv)


if __name__ == "__main__":
    sys.exit(main())
