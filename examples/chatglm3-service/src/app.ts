#!/usr/bin/env node
/** The ROS CDK app: `npm run synth` writes cdk.out/ChatGlm3Service.template.json. */
import * as ros from '@alicloud/ros-cdk-core';
import { ChatGlm3ServiceStack } from './chatglm3-service-stack';

const app = new ros.App({ stackTraces: false });
new ChatGlm3ServiceStack(app, 'ChatGlm3Service');
app.synth();
