import path from 'node:path';
import { signPdf } from '../../src-main/core/signing/pades-signer';
import { writePlainPdf } from './pdf-fixtures';
import { pdfTestSigner } from './pdf-signer';
import { appendUpdate, objectBody } from './verify-attacks';

/**
 * A contract signed by our signer ("Monto: S/ 100") and a copy with a shadow hide-and-replace: a later revision
 * appends to page 1's contents a white box over the signed line and another amount ("S/ 100 000"). Verificar
 * lists the change and says NO VÁLIDO for the copy.
 */
export async function writeShadowedContract(dir: string): Promise<{ signed: string; altered: string }> {
  const signed = path.join(dir, 'contrato-firmado.pdf');
  await signPdf({
    input: writePlainPdf(path.join(dir, 'contrato.pdf'), { title: 'Monto: S/ 100' }),
    output: signed,
    signer: pdfTestSigner('rsa'),
    role: 'firma',
  });
  const overlay = '1 1 1 rg 60 705 420 40 re f 0 0 0 rg BT /F1 18 Tf 72 720 Td (Monto: S/ 100 000) Tj ET';
  const altered = appendUpdate(signed, path.join(dir, 'contrato-alterado.pdf'), [
    { num: 40, body: `<< /Length ${overlay.length} >>\nstream\n${overlay}\nendstream` },
    { num: 5, body: objectBody(signed, 5).replace(/\/Contents\s+6 0 R/, '/Contents [6 0 R 40 0 R]') },
  ]);
  return { signed, altered };
}
