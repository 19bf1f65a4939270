/**
 * The shape of a pvlook config file, checked with zod. Strict objects, so a
 * misspelt key is an error rather than a silently ignored setting.
 */
import { z } from 'zod';

const logPath = z
  .string()
  .min(1, 'a log path cannot be empty')
  .refine((path) => !path.includes('\0'), 'a log path cannot contain a NUL byte');

const hostList = z.array(z.string().min(1, 'a host cannot be empty'));

const seconds = z.number().positive('must be more than 0 seconds').max(86_400, 'must be at most 86400 seconds');

export const groupSchema = z.strictObject({
  log: logPath,
  hosts: hostList,
});

export const fileConfigSchema = z.strictObject({
  log: logPath.optional(),
  hosts: hostList.optional(),
  groups: z
    .record(z.string().regex(/^[A-Za-z0-9_.-]+$/, 'group names use letters, digits, "_", "." and "-"'), groupSchema)
    .optional(),
  interval: seconds.optional(),
  timeout: seconds.optional(),
  parallel: z.int().min(1).max(10_000).optional(),
  color: z.boolean().optional(),
  ascii: z.boolean().optional(),
  sshConfig: z.string().min(1).optional(),
  acceptNewHostKeys: z.boolean().optional(),
  trend: z
    .strictObject({
      window: z.int().min(1).max(1000).optional(),
      deadband: z.number().min(0).max(10).optional(),
      minDelta: z.number().min(0).optional(),
    })
    .optional(),
});

export type FileConfig = z.infer<typeof fileConfigSchema>;
