/** Where a command writes: injectable so the commands can be driven in-process. */
export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Whether stdout is a terminal (progress bar allowed). */
  isTTY: boolean;
}

export const processIo: Io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  isTTY: Boolean(process.stdout.isTTY),
};
