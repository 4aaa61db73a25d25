"""``make run``'s steady heap: after a full garbage collection, the embedded endpoint's next request
freezes what survived (moto's items leave the collector's walks), and cyclic garbage made later
is still collected. Run in a child process: freezing is process-wide."""

from __future__ import annotations

import json
import subprocess
import sys

CHILD = """
import gc, json, urllib.request
from chalicelib.local import heap
from chalicelib.local.endpoint import EmbeddedAws

aws = EmbeddedAws(port=0)
aws.start()
steady = {steady}
if steady:
    heap.keep_steady()
gc.collect()
urllib.request.urlopen(aws.url + "/moto-api/").read()
frozen = gc.get_freeze_count()


class Node:
    pass


gc.disable()  # every cycle below left to the explicit collection
for _ in range(1000):
    a, b = Node(), Node()
    a.other, b.other = b, a
del a, b
collected = gc.collect()
aws.stop()
print(json.dumps({{"frozen": frozen, "collected": collected}}))
"""


def run_child(steady: bool) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", CHILD.format(steady=steady)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_steady_heap_freezes_the_survivors_and_still_collects_later_cycles():
    found = run_child(steady=True)
    assert found["frozen"] > 10_000
    assert found["collected"] >= 2_000


def test_without_a_steady_heap_nothing_is_frozen():
    assert run_child(steady=False)["frozen"] == 0


LET_GO = """
import gc, json, urllib.request
from chalicelib.local import heap
from chalicelib.local.endpoint import EmbeddedAws

aws = EmbeddedAws(port=0)
aws.start()
heap.keep_steady()


class Node:
    pass


a, b = Node(), Node()
a.other, b.other = b, a  # a cycle alive while frozen
gc.collect()
urllib.request.urlopen(aws.url + "/moto-api/").read()
frozen = gc.get_freeze_count()
del a, b
heap.let_go()
gc.collect()
urllib.request.urlopen(aws.url + "/moto-api/").read()
aws.stop()
print(json.dumps({"frozen": frozen, "after": gc.get_freeze_count(),
                  "nodes": sum(isinstance(o, Node) for o in gc.get_objects())}))
"""


def test_letting_go_unfreezes_the_heap_and_stops_freezing_so_dropped_cycles_are_freed():
    done = subprocess.run(
        [sys.executable, "-c", LET_GO], capture_output=True, text=True, timeout=120, check=True
    )
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["frozen"] > 10_000
    assert found["after"] == 0 and found["nodes"] == 0
