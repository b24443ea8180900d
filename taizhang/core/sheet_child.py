"""Reading an uploaded spreadsheet in a child process (python -m taizhang.core.sheet_child).

A hostile file can make a spreadsheet reader allocate hundreds of gigabytes (one cell at
XFD1048576), expand a few bytes into a million rows (ODS number-rows-repeated) or spin
for minutes. Read in this child, under an address-space and a CPU-time limit set before
it starts, whatever a file does fails alone: the web worker that asked keeps serving.

Protocol: argv[1] the file name (for its suffix), argv[2:6] the row, column, memory (MB)
and CPU-second limits; the file on stdin; on stdout a pickle of ("ok", rows) or
("problem", 中文 message). Imports nothing of Django."""

import pickle
import resource
import sys


def main() -> None:
    name = sys.argv[1]
    max_rows, max_columns, memory_mb, seconds = (int(v) for v in sys.argv[2:6])
    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    from taizhang.core.spreadsheet import FileProblem, read_cells

    content = sys.stdin.buffer.read()
    try:
        rows = read_cells(content, name)
        if len(rows) > max_rows:
            raise FileProblem(f"文件行数过多（{len(rows)} 行，上限 {max_rows} 行）")
        widest = max((len(r) for r in rows), default=0)
        if widest > max_columns:
            raise FileProblem(f"文件列数过多（{widest} 列，上限 {max_columns} 列）")
        answer = ("ok", rows)
    except FileProblem as problem:
        answer = ("problem", str(problem))
    sys.stdout.buffer.write(pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))


if __name__ == "__main__":
    main()
