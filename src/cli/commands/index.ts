export { initCommand } from './init.ts';
export { dbMigrateCommand } from './db-migrate.ts';
export { userAddCommand } from './user-add.ts';
export { userPasswdCommand } from './user-passwd.ts';
export { userShowCommand } from './user-show.ts';
export { userListCommand } from './user-list.ts';
export { userEnableCommand, userDisableCommand } from './user-enable.ts';
export { userDeleteCommand } from './user-delete.ts';
export { userImportCommand } from './user-import.ts';
export { reportHashesCommand } from './report-hashes.ts';
export { keyRotateCommand } from './key-rotate.ts';
export { keyStatusCommand } from './key-status.ts';
export { keyRetireCommand } from './key-retire.ts';
export { appPasswordAddCommand } from './app-password-add.ts';
export { appPasswordListCommand } from './app-password-list.ts';
export {
  appPasswordEnableCommand,
  appPasswordDisableCommand,
  appPasswordDeleteCommand,
  appPasswordOnCommand,
  appPasswordOffCommand,
} from './app-password-manage.ts';
export {
  twoFactorTOTPCommand,
  twoFactorOTPCommand,
  twoFactorOnCommand,
  twoFactorOffCommand,
} from './two-factor.ts';
export { doctorCommand } from './doctor.ts';
export { logCommand } from './log.ts';
export { unthrottleCommand } from './unthrottle.ts';
