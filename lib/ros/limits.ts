// ROS, Cloud Assistant and ECS limits the library checks against, each with its source. One module, so a
// figure is written once; the constructs (script, signal, Compute Nest) and the rule pack import it.

/**
 * `ALIYUN::ECS::RunCommand` CommandContent: "after the custom parameters and the original command
 * content are encoded in Base64, the total size can be up to 16 KB" (ROS resource reference,
 * https://www.alibabacloud.com/help/doc-detail/173041.htm); Cloud Assistant's own limit is the same:
 * "the size of the script after Base64 encoding cannot exceed 16 KB" (ECS API CreateCommand,
 * https://help.aliyun.com/document_detail/64844.html). In bytes of the Base64 text.
 */
export const RUN_COMMAND_CONTENT_MAX_BYTES = 16 * 1024;

/**
 * `ALIYUN::ECS::RunCommand` InstanceIds: 1 to 20 instances per command (ROS resource reference,
 * ALIYUN::ECS::RunCommand, https://www.alibabacloud.com/help/doc-detail/173041.htm).
 */
export const RUN_COMMAND_MAX_INSTANCES = 20;

/**
 * `ALIYUN::ROS::WaitCondition` Timeout, in seconds: "Valid values: 1 to 43200" (ROS resource reference,
 * https://www.alibabacloud.com/help/doc-detail/48502.htm).
 */
export const WAIT_CONDITION_TIMEOUT_MIN_SECONDS = 1;

/** Upper end of {@link WAIT_CONDITION_TIMEOUT_MIN_SECONDS}'s range: 43200 s (12 h), same source. */
export const WAIT_CONDITION_TIMEOUT_MAX_SECONDS = 43200;

/**
 * Cloud Assistant command timeout limit, in seconds: 86400 (24 h). The Compute Nest image builder's OOS
 * execution (ACS-ECS-UpdateImage -> ACS::ECS::RunCommand -> Cloud Assistant) runs under it; see
 * docs/compute-nest.md "Limits".
 */
export const CLOUD_ASSISTANT_TIMEOUT_MAX_SECONDS = 86400;

/**
 * ECS user data: "[1, 16KB] characters. User data should not be base64 encoded" (ROS resource reference,
 * ALIYUN::ECS::InstanceGroup UserData, `@alicloud/ros-cdk-spec` specification); ECS: "The size of the user
 * data cannot exceed 16 KB before it is encoded" (https://www.alibabacloud.com/help/doc-detail/52012.htm).
 */
export const USER_DATA_MAX_BYTES = 16 * 1024;

/**
 * A template body: "The template body must be 1 to 524,288 bytes in length" (ROS API CreateStack,
 * https://alibabacloud.com/help/tc/ros/api-createstack); ROS limits page: "Maximum size of a template
 * file: 512 KB" (https://www.alibabacloud.com/help/doc-detail/28854.htm).
 */
export const TEMPLATE_BODY_MAX_BYTES = 524288;

/**
 * The largest template file `lint` (and `readTemplateFile`) reads: 2 MiB, four times ROS's own
 * {@link TEMPLATE_BODY_MAX_BYTES}, so any template ROS accepts fits even when re-indented or written as
 * YAML with long comments; anything larger is refused before it is parsed.
 */
export const TEMPLATE_FILE_MAX_BYTES = 2 * 1024 * 1024;

/**
 * The deepest nesting of mappings and lists a template may have when read from a file: 256. ROS templates
 * nest a few levels (sections, resource, property, intrinsic arguments); the bound keeps the recursive
 * rule pack far from the JavaScript stack limit on a hostile file.
 */
export const TEMPLATE_MAX_NESTING_DEPTH = 256;
