import { Type } from '@sinclair/typebox';
import { AlertAcknowledgeParams } from '../../src/capabilities/index.js';
const o = Type.Omit(AlertAcknowledgeParams, ['id'], { $id: 'AlertAcknowledgeBody' });
console.log(JSON.stringify(o));
