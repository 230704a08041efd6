/**
 * Every CLI command as the help lists it. The code of a command is loaded only when it runs: the build makes
 * one bundle per module of this folder (`dist/node/cli-<name>.cjs`) and a small launcher picks it, so
 * `casilla --version` and `casilla --help` read this table and nothing else. A new command adds one line here,
 * its module (exporting `<name>Command`) and one line in `all.ts`.
 */
export type CommandListing = { name: string; args?: string; summary: string };

export const commandTable: CommandListing[] = [
  { name: 'audit', summary: 'Registro de auditoría encadenado por hashes' },
  { name: 'certs', summary: 'Certificados para firmar: archivos, tokens PKCS#11, almacén NSS' },
  { name: 'doctor', summary: 'Versiones, carpeta de datos, llavero y herramientas instaladas' },
  { name: 'serve', summary: 'Inicia el modo navegador (interfaz y núcleo en 127.0.0.1)' },
  { name: 'sandbox', summary: 'Inicia el servidor de pruebas de la casilla en 127.0.0.1' },
  { name: 'send', summary: 'Pone una notificación en la bandeja de salida' },
  { name: 'outbox', summary: 'Bandeja de salida: revisar, enviar, reintentar, cancelar, exportar' },
  { name: 'profiles', summary: 'Perfiles de firma: listar, importar parámetros de Firma Perú, eliminar' },
  { name: 'sign', args: '<input...>', summary: 'Firma o da V°B° a uno o varios PDF (PAdES)' },
  { name: 'trust', summary: 'Anclas de confianza: listas nacionales (Perú, Chile) y propias' },
  { name: 'tsa', summary: 'Perfiles de servidores de sellado de tiempo (TSA): listar, agregar, quitar, probar' },
  { name: 'verify', args: '<file...>', summary: 'Verifica las firmas de uno o varios PDF' },
];
