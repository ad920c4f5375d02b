"""Independent scorer of a recommendation file, written without any of Magpie's code.

Scores "user item item ..." lines (a user's top K, best first, as `magpie recommend` writes them)
against a LightGCN-format test file: Recall@K = hits / |test items|, NDCG@K binary with the ideal
DCG over min(|test items|, K), means over test users with items (a user missing from the
recommendations scores 0). Also checks that no training item was recommended.
Usage: python3 bench/score-recs.py RECS TEST [TRAIN] [K]
"""
import math
import sys


def read(path):
    rows = {}
    for line in open(path):
        parts = line.split()
        if parts:
            rows[parts[0]] = parts[1:]
    return rows


recs, test = read(sys.argv[1]), read(sys.argv[2])
train = read(sys.argv[3]) if len(sys.argv) > 3 else {}
k = int(sys.argv[4]) if len(sys.argv) > 4 else 20
recall_sum = ndcg_sum = 0.0
users = leaked = 0
for user, wanted in test.items():
    if not wanted:
        continue
    users += 1
    relevant = set(wanted)
    top = recs.get(user, [])[:k]
    leaked += len(set(top) & set(train.get(user, [])))
    hits = [1 if item in relevant else 0 for item in top]
    recall_sum += sum(hits) / len(relevant)
    dcg = sum(h / math.log2(r + 2) for r, h in enumerate(hits))
    ideal = sum(1 / math.log2(r + 2) for r in range(min(len(relevant), k)))
    ndcg_sum += dcg / ideal
print(f"users {users}  recall@{k} {recall_sum / users:.4f}  ndcg@{k} {ndcg_sum / users:.4f}  training items recommended {leaked}")
