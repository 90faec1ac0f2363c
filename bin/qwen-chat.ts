#!/usr/bin/env node
/**
 * The ROS CDK app (cdk.json `app`): `ros-cdk synth` / `ros-cdk deploy` run it with CDK_OUTDIR set
 * and read the cloud assembly it writes there.
 */
import * as ros from '@alicloud/ros-cdk-core';
// The narrow import keeps the app's cold start short: the barrel also loads the YAML writer,
// the Compute Nest package code and the rehearsal tooling, which synthesis does not need.
import { addQwenChatStacks } from '../lib/qwen-chat/presets';

// No construct tree file and no stack traces in metadata: the CLI reads neither, and both cost start-up time.
const app = new ros.App({ stackTraces: false, treeMetadata: false });
addQwenChatStacks(app);
app.synth();
