//go:build e2e

package e2e

import (
	"strconv"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"sigs.k8s.io/controller-runtime/pkg/client"

	tasksv1 "github.com/langflix/langflix-operator/api/v1alpha1"
)

func kubectlSpecs() {
	It("shows phase, progress, stage and attempts in `kubectl get videotasks`", func(ctx SpecContext) {
		var tasks tasksv1.VideoTaskList
		Expect(k8s.List(ctx, &tasks, client.InNamespace(ns))).To(Succeed())
		Expect(tasks.Items).NotTo(BeEmpty(), "the earlier specs leave their VideoTasks for this one")

		out, err := kubectl(ctx, "get", "videotasks", "-n", ns)
		Expect(err).NotTo(HaveOccurred())
		GinkgoWriter.Print(out)
		rows := table(out)
		Expect(rows[0]).To(Equal([]string{"NAME", "PHASE", "PROGRESS", "STAGE", "ATTEMPTS", "AGE"}))
		Expect(rows[1:]).To(HaveLen(len(tasks.Items)))
		for _, t := range tasks.Items {
			st := t.Status
			percent, stage := "<none>", "<none>"
			// kubectl prints <none> for an absent field; stage is omitted when empty, percent only when unset.
			if p := st.Progress; p != nil {
				if p.Percent != nil {
					percent = strconv.Itoa(int(*p.Percent))
				}
				if p.Stage != "" {
					stage = p.Stage
				}
			}
			Expect(rows[1:]).To(ContainElement(HaveExactElements(
				t.Name, string(st.Phase), percent, stage, strconv.Itoa(int(st.Attempts)), Not(BeEmpty()),
			)), "row of %s", t.Name)
		}

		out, err = kubectl(ctx, "get", "videotasks", "-n", ns, "-o", "wide")
		Expect(err).NotTo(HaveOccurred())
		Expect(table(out)[0]).To(ContainElement("MESSAGE"), "-o wide adds the message column")

		out, err = kubectl(ctx, "get", "langflix", "-n", ns, "-o", "name")
		Expect(err).NotTo(HaveOccurred())
		Expect(out).To(ContainSubstring("slidetask.tasks.langflix.io/korean-slides"), "the langflix category lists every kind")
		Expect(out).To(ContainSubstring("videotask.tasks.langflix.io/" + tasks.Items[0].Name))
	})
}

// table splits kubectl's table output into rows of whitespace-separated cells. Only columns without spaces
// in their values are compared this way (the message column, which has them, is not).
func table(out string) [][]string {
	var rows [][]string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		rows = append(rows, strings.Fields(line))
	}
	return rows
}
