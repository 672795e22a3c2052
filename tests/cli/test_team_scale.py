"""500 agents subscribed to a team library on a real nginx: an unchanged library costs 304s only, and a
new version reaches every agent in the one poll round after it is published (tests/team_scale.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.team_scale import make_agents, nginx, nginx_available, poll_round, publish, statuses

AGENTS = 500

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not nginx_available(), reason="needs Debian's nginx (bootstrap.sh --test installs it)"),
]


def test_500_agents_on_nginx_pay_304s_until_a_change_which_reaches_all_in_one_round(tmp_path: Path) -> None:
    with nginx(tmp_path / "nginx") as (base, root, log):
        url = base + publish(root, "2026.12.1")
        homes = make_agents(tmp_path / "agents", url, AGENTS)
        _, mark = statuses(log)

        for _ in range(2):  # unchanged: every poll is a 304, nothing downloaded
            versions, _seconds = poll_round(homes)
            assert set(versions) == {"2026.12.1"}
            seen, mark = statuses(log, mark)
            assert seen == {"304": AGENTS}

        publish(root, "2026.12.2")
        versions, _seconds = poll_round(homes)  # one interval: each agent polls once
        assert versions == ["2026.12.2"] * AGENTS
        seen, mark = statuses(log, mark)
        assert seen == {"200": AGENTS}

        versions, _seconds = poll_round(homes)
        assert set(versions) == {"2026.12.2"}
        assert statuses(log, mark)[0] == {"304": AGENTS}
