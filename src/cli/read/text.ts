// Text files as validated UTF-8 chunks: a fatal TextDecoder in streaming mode, so an invalid byte sequence
// is an error (with the offset of the chunk it is in) instead of a U+FFFD that would become a category.
import { createReadStream } from 'node:fs';
import { CliError } from '../common.js';

/** Yields the file's text in chunks (64 KiB of bytes each), checked as UTF-8 (a leading BOM is dropped). */
export async function* readUtf8Chunks(path: string): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  let offset = 0;
  let stream: AsyncIterable<Buffer>;
  try {
    stream = createReadStream(path, { highWaterMark: 64 * 1024 });
  } catch (error) {
    throw new CliError(`cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    for await (const chunk of stream) {
      let text: string;
      try {
        text = decoder.decode(chunk, { stream: true });
      } catch {
        throw new CliError(
          `${path} is not valid UTF-8 (an invalid byte sequence in bytes ${offset} to ${offset + chunk.length})`,
        );
      }
      offset += chunk.length;
      if (text.length > 0) yield text;
    }
    let rest: string;
    try {
      rest = decoder.decode();
    } catch {
      throw new CliError(`${path} is not valid UTF-8 (it ends inside a multi-byte character)`);
    }
    if (rest.length > 0) yield rest;
  } catch (error) {
    if (error instanceof CliError) throw error;
    const e = error as NodeJS.ErrnoException;
    throw new CliError(`cannot read ${path}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  }
}
