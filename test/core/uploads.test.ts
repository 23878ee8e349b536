import t from 'tap';
import { hashUploadToken, isUploadToken, multipartFile, newUploadToken, safeFileName, uploadUrl } from '../../core/uploads.js';

t.test('tokens: 256 random bits, only the hash is kept', async (t) => {
  const a = newUploadToken();
  const b = newUploadToken();
  t.not(a, b);
  t.ok(isUploadToken(a));
  t.notOk(isUploadToken('short'));
  t.notOk(isUploadToken(`${a.slice(0, 42)}/`));
  t.match(hashUploadToken(a), /^[0-9a-f]{64}$/);
  t.equal(uploadUrl('http://h:1/', a), `http://h:1/uploads/${a}`);
});

t.test('file names a station gives are kept without paths or odd characters', async (t) => {
  t.equal(safeFileName('../../etc/passwd', 'x'), 'passwd');
  t.equal(safeFileName('C:\\logs\\diag 1.zip', 'x'), 'diag_1.zip');
  t.equal(safeFileName('..', 'fallback.bin'), 'fallback.bin');
  t.equal(safeFileName(undefined, 'fallback.bin'), 'fallback.bin');
});

t.test('multipart: the first file part', async (t) => {
  const body = Buffer.from(
    '--XyZ\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello\r\n' +
      '--XyZ\r\nContent-Disposition: form-data; name="file"; filename="diag.log"\r\nContent-Type: text/plain\r\n\r\nline 1\r\nline 2\r\n--XyZ--\r\n',
  );
  const part = multipartFile(body, 'multipart/form-data; boundary=XyZ');
  t.equal(part?.fileName, 'diag.log');
  t.equal(part?.data.toString(), 'line 1\r\nline 2');
  t.equal(multipartFile(body, 'multipart/form-data'), undefined, 'no boundary');
  t.equal(multipartFile(Buffer.from('--XyZ\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--XyZ--'), 'multipart/form-data; boundary="XyZ"'), undefined, 'no file part');
});
