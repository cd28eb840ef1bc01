"""Placeholder model service: answers /readyz and /livez until the model issue ships one."""
import bentoml


@bentoml.service
class Placeholder:
    @bentoml.api
    def status(self) -> dict:
        return {"model": None, "detail": "no model deployed yet (features/model issue)"}
