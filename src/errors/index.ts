export { PassgateError, isPassgateError } from './app-error.ts';
export { ERROR_CODES, type ErrorCode } from './codes.ts';
