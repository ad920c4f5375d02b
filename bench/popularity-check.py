"""Independent scorer: Recall@20 of most-popular (training items excluded) on LightGCN files.

A cross-check of `magpie eval` written without any of Magpie's code.
Usage: python3 bench/popularity-check.py TRAIN TEST   (defaults: the Gowalla tune split)
"""
import collections
import os
import sys

data = os.environ.get("MAGPIE_DATA", "../shared/data")
train_path = sys.argv[1] if len(sys.argv) > 1 else f"{data}/gowalla/tune-train.txt"
test_path = sys.argv[2] if len(sys.argv) > 2 else f"{data}/gowalla/tune-test.txt"


def read(path):
    rows = {}
    for line in open(path):
        parts = line.split()
        if parts:
            rows[parts[0]] = parts[1:]
    return rows


train, test = read(train_path), read(test_path)
counts = collections.Counter(i for items in train.values() for i in items)
ranking = [i for i, _ in sorted(counts.items(), key=lambda kv: (-kv[1], int(kv[0])))]
recalls = []
for user, items in test.items():
    if not items:
        continue
    seen, relevant = set(train.get(user, [])), set(items)
    top = []
    for i in ranking:
        if i not in seen:
            top.append(i)
            if len(top) == 20:
                break
    recalls.append(sum(1 for i in top if i in relevant) / len(relevant))
print(f"users {len(recalls)} popularity recall@20 {sum(recalls) / len(recalls):.4f}")
mean = lambda rows: sum(len(set(v)) for v in rows.values()) / len(rows)
print(f"items per user: train {mean(train):.1f}, test {mean(test):.1f}")
