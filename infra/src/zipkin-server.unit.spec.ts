import { describe, expect, it } from 'vitest';
import { parseSha1 } from './zipkin-server.js';

describe('parseSha1', () => {
  it('reads the digest of a .sha1 file that holds only the digest', () => {
    expect(parseSha1('38091e0934648a5dc884ad17c62cf2f6502f4ff2\n')).toBe('38091e0934648a5dc884ad17c62cf2f6502f4ff2');
  });

  it('reads the digest of a .sha1 file that names the file after it, in lower case', () => {
    expect(parseSha1('38091E0934648A5DC884AD17C62CF2F6502F4FF2  zipkin-server-3.5.1-exec.jar')).toBe(
      '38091e0934648a5dc884ad17c62cf2f6502f4ff2',
    );
  });

  it('refuses what is not a digest (an error page, a truncated file)', () => {
    expect(() => parseSha1('<html>Not Found</html>')).toThrow(/not a SHA-1 digest/);
    expect(() => parseSha1('38091e09346')).toThrow(/not a SHA-1 digest/);
    expect(() => parseSha1('')).toThrow(/not a SHA-1 digest/);
  });
});
