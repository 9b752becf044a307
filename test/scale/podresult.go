package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	admissionv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	runnerv1 "github.com/langflix/langflix-operator/api/runner/v1alpha1"
	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

// Figure 5 (finished pods): a task's result is its runner's termination message, which lives in the pod. A
// simulated pod has no runner, so this bench-only MutatingAdmissionPolicy gives every runner pod (the
// operator's label) the annotation from which kwok's stage writes a runner-contract termination message
// (hack/kwok/pod-run-then-succeed.yaml). bench-scale.sh runs the kube-controller-manager with a low
// --terminated-pod-gc-threshold, so the pod garbage collector deletes finished pods while the operator is
// busy; a Succeeded task without status.result would be a result lost to pod GC.

// kwokTerminationMessageAnnotation is read by kwok's stage (hack/build-tools.sh lists the annotations).
const kwokTerminationMessageAnnotation = "kwok.langflix.io/termination-message"

const podResultPolicy = "bench-scale-runner-result"

// simulatedResult is the termination message of every simulated runner.
func simulatedResult() (string, error) {
	data, err := json.Marshal(runnerv1.TerminationMessage{
		Reason:      runnerv1.ReasonCompleted,
		Message:     "simulated by kwok",
		Expressions: 1,
		Outputs:     &runnerv1.Outputs{Clips: 1, Slides: 1, Videos: 1},
	})
	if err != nil {
		return "", fmt.Errorf("simulated termination message: %w", err)
	}
	return string(data), nil
}

// installPodResultPolicy creates the policy and its binding.
func installPodResultPolicy(ctx context.Context, c client.Client) error {
	msg, err := simulatedResult()
	if err != nil {
		return err
	}
	annotations, err := json.Marshal(map[string]string{kwokTerminationMessageAnnotation: msg})
	if err != nil {
		return fmt.Errorf("policy annotations: %w", err)
	}
	policy := &admissionv1.MutatingAdmissionPolicy{
		ObjectMeta: metav1.ObjectMeta{Name: podResultPolicy},
		Spec: admissionv1.MutatingAdmissionPolicySpec{
			MatchConstraints: &admissionv1.MatchResources{
				ObjectSelector: &metav1.LabelSelector{MatchLabels: map[string]string{tasksv1.LabelManagedBy: tasksv1.ManagedByValue}},
				ResourceRules: []admissionv1.NamedRuleWithOperations{{RuleWithOperations: admissionv1.RuleWithOperations{
					Operations: []admissionv1.OperationType{admissionv1.Create},
					Rule:       admissionv1.Rule{APIGroups: []string{""}, APIVersions: []string{"v1"}, Resources: []string{"pods"}},
				}}},
			},
			FailurePolicy:      ptr.To(admissionv1.Fail),
			ReinvocationPolicy: admissionv1.NeverReinvocationPolicy,
			Mutations: []admissionv1.Mutation{{
				PatchType: admissionv1.PatchTypeApplyConfiguration,
				ApplyConfiguration: &admissionv1.ApplyConfiguration{
					Expression: "Object{metadata: Object.metadata{annotations: " + string(annotations) + "}}",
				},
			}},
		},
	}
	binding := &admissionv1.MutatingAdmissionPolicyBinding{
		ObjectMeta: metav1.ObjectMeta{Name: podResultPolicy},
		Spec:       admissionv1.MutatingAdmissionPolicyBindingSpec{PolicyName: podResultPolicy},
	}
	for _, obj := range []client.Object{policy, binding} {
		if err := c.Create(ctx, obj); err != nil {
			return fmt.Errorf("create %s %s: %w", obj.GetObjectKind().GroupVersionKind().Kind, obj.GetName(), err)
		}
	}
	return nil
}

// hasResult reports whether a task's status holds a result.
func hasResult(u *unstructured.Unstructured) bool {
	_, found, _ := unstructured.NestedMap(u.Object, "status", "result")
	return found
}

// podGCThreshold is the kube-controller-manager's --terminated-pod-gc-threshold, for the report.
func podGCThreshold(s string) string {
	if _, err := strconv.Atoi(s); err != nil {
		return "the cluster's default (12500)"
	}
	return s
}
