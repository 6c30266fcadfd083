#!/usr/bin/env python3
"""The article's designs (python-multiprocessing-many-rows.md), re-implemented with the standard
library only, computing the same thing as Chunkscope's sum-of-squares.js over the bench CSV.

  python3 bench/python/seed_designs.py single|pool|queue FILE [--processes N] [--chunksize N]

Prints one JSON line: design, rows, total (sum over rows of the row's sum of squares), wallMs
(the design itself, interpreter start-up excluded, like Chunkscope's wallMs), and peak RSS.
"""
import csv
import json
import multiprocessing
import resource
import sys
import time

FIRST_NUMERIC = 2  # bench file: id, name, x1..x8


def process_row(row):
    # The article's np.sum(row**2), on the CSV's string fields, without NumPy.
    s = 0.0
    for v in row[FIRST_NUMERIC:]:
        x = float(v)
        s += x * x
    return s


def rows_of(filename):
    with open(filename, 'r', newline='', encoding='utf-8') as file:
        reader = csv.reader(file)
        next(reader)  # skip header
        yield from reader


# Design 0: one process, csv.reader, a list of results (the baseline the article wants to beat).
def design_single(filename, num_processes, chunksize):
    return [process_row(row) for row in rows_of(filename)]


# Design 1 (article's Example 1): Pool.map over the rows. The article maps over an in-memory
# array, so the rows are read into a list first; map picks its own chunksize.
def design_pool(filename, num_processes, chunksize):
    data = list(rows_of(filename))
    with multiprocessing.Pool(processes=num_processes) as pool:
        results = pool.map(process_row, data)
    return results


# Design 2 (article's Example 2): a Queue of chunks consumed by worker processes.
def process_chunk(input_queue, output_queue):
    while True:
        try:
            chunk = input_queue.get(True)  # blocks if empty
            if chunk is None:  # sentinel value for termination
                break
            output_queue.put([process_row(row) for row in chunk])
        except Exception as e:
            print(f"Error in process: {e}", file=sys.stderr)
            output_queue.put(None)  # signal an error
            break


def design_queue(filename, num_processes, chunksize):
    input_queue = multiprocessing.Queue()
    output_queue = multiprocessing.Queue()
    chunks = 0
    chunk = []
    for row in rows_of(filename):
        chunk.append(row)
        if len(chunk) == chunksize:
            input_queue.put(chunk)
            chunks += 1
            chunk = []
    if chunk:  # process any remaining rows
        input_queue.put(chunk)
        chunks += 1

    processes = [multiprocessing.Process(target=process_chunk, args=(input_queue, output_queue))
                 for _ in range(num_processes)]
    for p in processes:
        p.start()
    for _ in processes:
        input_queue.put(None)  # signal process termination

    # The article reads num_processes results and so loses almost every chunk; here every chunk
    # put on the queue is collected (in completion order, which is fine for a sum).
    results = []
    for _ in range(chunks):
        result = output_queue.get()
        if result is None:
            raise RuntimeError("Error encountered in a subprocess")
        results.extend(result)
    for p in processes:
        p.join()
    return results


DESIGNS = {'single': design_single, 'pool': design_pool, 'queue': design_queue}


def main(argv):
    if len(argv) < 2 or argv[0] not in DESIGNS:
        print(__doc__, file=sys.stderr)
        return 2
    design, filename = argv[0], argv[1]
    opts = dict(zip(argv[2::2], argv[3::2]))
    num_processes = int(opts.get('--processes', 2))
    chunksize = int(opts.get('--chunksize', 1000))

    started = time.perf_counter()
    results = DESIGNS[design](filename, num_processes, chunksize)
    wall_ms = (time.perf_counter() - started) * 1000

    # ru_maxrss is in KiB on Linux. Children's figure is the largest single child, so parent plus
    # that child is a lower bound on the peak footprint of the whole process tree.
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({
        'design': design,
        'processes': 1 if design == 'single' else num_processes,
        'rows': len(results),
        'total': sum(results),
        'wallMs': wall_ms,
        'peakRssBytes': (self_kb + (children_kb if design != 'single' else 0)) * 1024,
        'selfPeakRssBytes': self_kb * 1024,
        'childPeakRssBytes': children_kb * 1024,
        'python': sys.version.split()[0],
    }))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
