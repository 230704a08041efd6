import pkg from '../../package.json';

export const APP_NAME = 'Casilla Desktop';
export const APP_VERSION: string = pkg.version;
