#!/usr/bin/env node
/**
 * The ROS CDK app (cdk.json `app`): `ros-cdk synth` / `ros-cdk deploy` run it with CDK_OUTDIR set
 * and read the cloud assembly it writes there.
 */
import * as ros from '@alicloud/ros-cdk-core';
import { addQwenChatStacks } from '../lib';

const app = new ros.App({ stackTraces: false });
addQwenChatStacks(app);
app.synth();
