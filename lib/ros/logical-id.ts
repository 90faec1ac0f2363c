import * as ros from '@alicloud/ros-cdk-core';

/**
 * Throws when `logicalId` is taken in the stack of `scope`, naming the construct being made and
 * the prop that avoids the clash. ROS CDK takes a construct id verbatim as the logical id and
 * logical ids are stack-wide, so a second construct made with the same defaults would otherwise
 * fail at synth with ROS CDK's bare "section 'Resources' already contains '...'". Resources and
 * parameters share one name space here: a `Ref` to the name would be ambiguous.
 * @param scope where the new element will be created
 * @param logicalId the logical id it will get
 * @param construct the construct being made, e.g. `WaitConditionCallback`
 * @param prop the prop that changes the id, e.g. `logicalIdPrefix`
 * @throws Error like `WaitConditionCallback 'Stack/Signal2': logical id 'WaitConditionHandle' is already
 *   used by 'Stack/Signal/WaitConditionHandle' (a resource); give this construct another logicalIdPrefix.`
 */
export function assertLogicalIdFree(scope: ros.Construct, logicalId: string, construct: string, prop: string): void {
  const stack = ros.Stack.of(scope);
  for (const c of stack.node.findAll()) {
    if (!ros.RosElement.isRosElement(c) || c.logicalId !== logicalId) continue;
    const isResource = ros.RosResource.isRosResource(c);
    if (!isResource && !(c instanceof ros.RosParameter)) continue;
    throw new Error(`${construct} '${scope.node.path}': logical id '${logicalId}' is already used by '${c.node.path}' `
      + `(a ${isResource ? 'resource' : 'parameter'}); logical ids are stack-wide, so give this construct another ${prop}.`);
  }
}
