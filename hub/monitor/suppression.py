"""Primary and secondary (complementary) cell suppression of a count table with totals.

**Primary suppression** (the CBS convention): a count of 1 to 4 is not shown; it reads "<5". A
zero is shown: it says that nothing happened, which identifies nobody.

**Secondary suppression**: a hidden cell must not be recoverable by subtracting the shown cells
of its row or column from the shown total. Having two hidden cells in every line is not enough
(two lines can together still pin a cell down), so the method uses the exact criterion:

The table with its totals is a set of linear equations, one per line (each row: the cells add up
to the row total; each column: the cells add up to the column total; the totals row and totals
column likewise up to the grand total). Every cell takes part in exactly two of them: its row's
and its column's. Multiplying some equations and cells by -1 turns this system into the incidence
matrix of a graph in which the lines are the nodes and the cells are the edges (rows +1, columns
-1). A line whose total is not published imposes no equation: all such lines are merged into one
free node ``*``. With the shown cells moved to the right-hand side, a hidden cell's value is
fixed by the equations exactly when its edge is a **bridge** of the graph of hidden cells (an
edge on no cycle). When a hidden cell lies on a cycle of hidden cells that are all at least 1,
adding +1 and -1 alternately around the cycle gives another table that is non-negative and has
the same published values, so the cell cannot be recovered, not even with the knowledge that
counts are non-negative. This is the network view of two-dimensional tables used by the
network-flow methods of tau-ARGUS (Cox 1995; Castro 2006).

**Algorithm**: hide the 1-to-4 cells; then, while some hidden cell is a bridge, close a cycle
through it with the cheapest path of shown, non-zero cells between its two lines (Dijkstra over
the complete grid; a cell costs its value, a total costs far more, so small interior cells are
sacrificed before totals) and hide those cells. A path always exists (row total, grand total,
column total are never zero next to a hidden cell), so the loop ends with no bridge left.

Written by hand because no maintained Python library does complementary suppression
(sdcMicro is R, tau-ARGUS is Java with commercial LP solvers); tables here are small (months by
municipalities), so plain graph searches are instant.
"""

import heapq
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

TOTAL = "totaal"
"""Label of the totals row and column."""
MIN_SHOWN = 5
"""Counts from 1 to MIN_SHOWN - 1 are hidden (primary suppression)."""
PRIMARY = "<5"
SECONDARY = "x"
"""How a cell hidden to protect another one reads (the CBS sign for 'secret')."""
SHOWN, HIDDEN_PRIMARY, HIDDEN_SECONDARY = "shown", "primary", "secondary"

_FREE = ("*",)
_TOTAL_COST = 1_000_000


@dataclass(frozen=True)
class Protected:
    """A count table with totals and, for every cell, whether it is shown.

    ``values`` holds the true counts (with the totals row and column): never publish it as such.
    ``status`` holds :data:`SHOWN`, :data:`HIDDEN_PRIMARY` or :data:`HIDDEN_SECONDARY` per cell.
    """

    values: pd.DataFrame
    status: pd.DataFrame

    def display(self) -> pd.DataFrame:
        """The table as published: numbers, "<5" or "x"."""
        text = self.values.astype("int64").astype("str").astype(object)
        text = text.mask(self.status == HIDDEN_PRIMARY, PRIMARY)
        return text.mask(self.status == HIDDEN_SECONDARY, SECONDARY)

    def shown(self) -> pd.DataFrame:
        """The published numbers, missing where hidden."""
        return self.values.astype("float64").where(self.status == SHOWN)


def with_totals(table: pd.DataFrame, totals_row: bool) -> pd.DataFrame:
    """Append the totals column (always) and the totals row (when the rows may be added up)."""
    out = table.copy()
    out[TOTAL] = out.sum(axis=1)
    if totals_row:
        out.loc[TOTAL] = out.sum(axis=0)
    return out.astype("int64")


def protect(table: pd.DataFrame, *, totals_row: bool = True) -> Protected:
    """Suppress a non-negative count table (rows by columns, without totals) with its totals.

    ``totals_row`` says whether the column totals (the sum over the rows) are published; set it
    False when rows cannot be added up (distinct households per month: one household is in many
    months), so that only the row equations exist.
    """
    values = with_totals(table, totals_row)
    grid = values.to_numpy(dtype=np.int64)
    n_rows, n_cols = grid.shape
    hidden = (grid >= 1) & (grid < MIN_SHOWN)
    primary = hidden.copy()

    def row_node(i: int) -> tuple:
        return ("r", i)  # every row has its total published (the totals column)

    def col_node(j: int) -> tuple:
        return ("c", j) if totals_row else _FREE

    def is_total(i: int, j: int) -> bool:
        return j == n_cols - 1 or (totals_row and i == n_rows - 1)

    while True:
        bridge = _first_bridge(hidden, row_node, col_node)
        if bridge is None:
            break
        path = _cheapest_path(grid, hidden, bridge, row_node, col_node, is_total)
        for i, j in path:
            hidden[i, j] = True
    status = np.where(primary, HIDDEN_PRIMARY, np.where(hidden, HIDDEN_SECONDARY, SHOWN))
    return Protected(values, pd.DataFrame(status, index=values.index, columns=values.columns))


NodeOf = Callable[[int], tuple]
"""A table line's node in the graph of hidden cells (row i or column j)."""


def _edges(hidden: np.ndarray, row_node: NodeOf,
           col_node: NodeOf) -> list[tuple[tuple[int, int], tuple, tuple]]:
    return [((int(i), int(j)), row_node(int(i)), col_node(int(j)))
            for i, j in zip(*np.nonzero(hidden), strict=True)]


def _connected_without(edges: list, skip: int, start: tuple, goal: tuple) -> bool:
    adjacent: dict[tuple, list[tuple]] = defaultdict(list)
    for k, (_cell, a, b) in enumerate(edges):
        if k != skip:
            adjacent[a].append(b)
            adjacent[b].append(a)
    seen, todo = {start}, [start]
    while todo:
        node = todo.pop()
        if node == goal:
            return True
        for other in adjacent[node]:
            if other not in seen:
                seen.add(other)
                todo.append(other)
    return False


def _first_bridge(hidden: np.ndarray, row_node: NodeOf, col_node: NodeOf) -> tuple[int, int] | None:
    """The first hidden cell on no cycle of hidden cells (a self-loop on ``*`` is a cycle)."""
    edges = _edges(hidden, row_node, col_node)
    for k, (cell, a, b) in enumerate(edges):
        if a != b and not _connected_without(edges, k, a, b):
            return cell
    return None


def _cheapest_path(grid: np.ndarray, hidden: np.ndarray, bridge: tuple[int, int],
                   row_node: NodeOf, col_node: NodeOf,
                   is_total: Callable[[int, int], bool]) -> list[tuple[int, int]]:
    """Cells to hide so that ``bridge`` lies on a cycle: the cheapest path between its lines.

    Hidden cells cost nothing, a zero cannot be used (it cannot go down, so a cycle through it
    would not hide anything), a shown cell costs its value and a total far more.
    """
    n_rows, n_cols = grid.shape
    adjacent: dict[tuple, list[tuple[tuple, int, tuple[int, int]]]] = defaultdict(list)
    for i in range(n_rows):
        for j in range(n_cols):
            if (i, j) == bridge or (grid[i, j] == 0 and not hidden[i, j]):
                continue
            cost = 0 if hidden[i, j] else int(grid[i, j]) + (_TOTAL_COST if is_total(i, j) else 0)
            a, b = row_node(i), col_node(j)
            adjacent[a].append((b, cost, (i, j)))
            adjacent[b].append((a, cost, (i, j)))
    start, goal = row_node(bridge[0]), col_node(bridge[1])
    best: dict[tuple, int] = {start: 0}
    came: dict[tuple, tuple[tuple, tuple[int, int]]] = {}
    queue: list[tuple[int, int, tuple]] = [(0, 0, start)]
    tie = 0
    while queue:
        cost, _tie, node = heapq.heappop(queue)
        if node == goal:
            break
        if cost > best.get(node, cost):
            continue
        for other, step, cell in adjacent[node]:
            total = cost + step
            if total < best.get(other, total + 1):
                best[other] = total
                came[other] = (node, cell)
                tie += 1
                heapq.heappush(queue, (total, tie, other))
    if goal not in came:  # cannot happen for a table with its totals (see the module docstring)
        raise ValueError(f"no complementary cells can protect cell {bridge}")
    path, node = [], goal
    while node != start:
        node, cell = came[node]
        path.append(cell)
    return path
