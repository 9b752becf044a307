package validation

import (
	"context"
	"encoding/json"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	tasksv1alpha1 "github.com/langflix/langflix-operator/api/v1alpha1"
	"github.com/langflix/langflix-operator/test/testutil"
)

// acceptTable asks the API server to render the printer columns itself, as kubectl get does.
const acceptTable = "application/json;as=Table;v=v1;g=meta.k8s.io"

// column is what a spec checks of one printer column.
type column struct {
	Name     string
	Type     string
	Priority int32
}

// taskColumns are the columns of VideoTask and SlideTask; Message is only shown by -o wide.
var taskColumns = []column{
	{"Name", "string", 0},
	{"Phase", "string", 0},
	{"Progress", "integer", 0},
	{"Stage", "string", 0},
	{"Attempts", "integer", 0},
	{"Age", "date", 0},
	{"Message", "string", 1},
}

var cleanupColumns = []column{
	{"Name", "string", 0},
	{"Schedule", "string", 0},
	{"Retention", "integer", 0},
	{"Suspend", "boolean", 0},
	{"Last Schedule", "date", 0},
	{"Deleted", "integer", 0},
	{"Age", "date", 0},
}

// getTable reads one object of the given resource as a server-side Table.
func getTable(ctx context.Context, resource, name string) *metav1.Table {
	GinkgoHelper()
	config := rest.CopyConfig(cfg)
	config.APIPath = "/apis"
	config.GroupVersion = &tasksv1alpha1.GroupVersion
	config.NegotiatedSerializer = scheme.Codecs.WithoutConversion()
	restClient, err := rest.RESTClientFor(config)
	Expect(err).NotTo(HaveOccurred())

	body, err := restClient.Get().Namespace(ns).Resource(resource).Name(name).
		SetHeader("Accept", acceptTable).Param("includeObject", "None").DoRaw(ctx)
	Expect(err).NotTo(HaveOccurred(), "GET %s/%s as Table: %s", resource, name, body)

	var table metav1.Table
	Expect(json.Unmarshal(body, &table)).To(Succeed())
	Expect(table.Kind).To(Equal("Table"))
	Expect(table.Rows).To(HaveLen(1))
	return &table
}

// columnsOf returns the table's columns in order.
func columnsOf(table *metav1.Table) []column {
	cols := make([]column, len(table.ColumnDefinitions))
	for i, d := range table.ColumnDefinitions {
		cols[i] = column{Name: d.Name, Type: d.Type, Priority: d.Priority}
	}
	return cols
}

// cells maps each column name to the row's value, as JSON decoded it (numbers are float64).
func cells(table *metav1.Table) map[string]any {
	GinkgoHelper()
	row := table.Rows[0].Cells
	Expect(row).To(HaveLen(len(table.ColumnDefinitions)))
	out := make(map[string]any, len(row))
	for i, d := range table.ColumnDefinitions {
		out[d.Name] = row[i]
	}
	return out
}

// runningStatus is what the runner reports while it cuts clips.
func runningStatus() tasksv1alpha1.TaskStatus {
	return tasksv1alpha1.TaskStatus{
		Phase:    tasksv1alpha1.TaskRunning,
		Attempts: 1,
		Message:  "cutting clip 3 of 7",
		Progress: &tasksv1alpha1.TaskProgress{Current: ptr.To[int64](3), Total: ptr.To[int64](7), Percent: ptr.To[int32](42), Stage: "clips"},
	}
}

var _ = Describe("Printer columns", func() {
	DescribeTable("of a task show its status once the status subresource is written",
		func(ctx context.Context, resource string, obj client.Object, status func(client.Object) *tasksv1alpha1.TaskStatus) {
			obj.SetNamespace(ns) // Entry arguments are built before BeforeSuite made the namespace.
			Expect(k8sClient.Create(ctx, obj)).To(Succeed())
			DeferCleanup(k8sClient.Delete, obj)

			before := getTable(ctx, resource, obj.GetName())
			Expect(columnsOf(before)).To(Equal(taskColumns))
			Expect(cells(before)).To(HaveKeyWithValue("Name", obj.GetName()))
			Expect(cells(before)).To(HaveKeyWithValue("Phase", BeNil()), "no status yet")

			*status(obj) = runningStatus()
			Expect(k8sClient.Status().Update(ctx, obj)).To(Succeed())

			row := cells(getTable(ctx, resource, obj.GetName()))
			Expect(row).To(HaveKeyWithValue("Phase", "Running"))
			Expect(row).To(HaveKeyWithValue("Progress", BeNumerically("==", 42)))
			Expect(row).To(HaveKeyWithValue("Stage", "clips"))
			Expect(row).To(HaveKeyWithValue("Attempts", BeNumerically("==", 1)))
			Expect(row).To(HaveKeyWithValue("Message", "cutting clip 3 of 7"))
			Expect(row).To(HaveKeyWithValue("Age", Not(BeEmpty())))
		},
		Entry("VideoTask", "videotasks",
			testutil.MakeVideoTask("columns-video", "").Obj(),
			func(o client.Object) *tasksv1alpha1.TaskStatus { return &o.(*tasksv1alpha1.VideoTask).Status }),
		Entry("SlideTask", "slidetasks",
			testutil.MakeSlideTask("columns-slides", "").Obj(),
			func(o client.Object) *tasksv1alpha1.TaskStatus { return &o.(*tasksv1alpha1.SlideTask).Status }),
	)

	It("of a CleanupPolicy show its schedule and the last run", func(ctx context.Context) {
		policy := testutil.MakeCleanupPolicy("columns-cleanup", ns).Schedule("15 4 * * *").RetentionDays(14).
			Suspend(true).Obj()
		Expect(k8sClient.Create(ctx, policy)).To(Succeed())
		DeferCleanup(k8sClient.Delete, policy)

		before := getTable(ctx, "cleanuppolicies", policy.Name)
		Expect(columnsOf(before)).To(Equal(cleanupColumns))
		row := cells(before)
		Expect(row).To(HaveKeyWithValue("Schedule", "15 4 * * *"))
		Expect(row).To(HaveKeyWithValue("Retention", BeNumerically("==", 14)))
		Expect(row).To(HaveKeyWithValue("Suspend", true))
		Expect(row).To(HaveKeyWithValue("Deleted", BeNil()), "no run yet")

		lastSchedule := metav1.Now()
		policy.Status = tasksv1alpha1.CleanupPolicyStatus{
			LastScheduleTime: &lastSchedule,
			LastRun: &tasksv1alpha1.CleanupRun{JobName: "columns-cleanup-1", Outcome: tasksv1alpha1.CleanupSucceeded,
				Mode: tasksv1alpha1.CleanupDelete, FilesDeleted: ptr.To[int64](12)},
		}
		Expect(k8sClient.Status().Update(ctx, policy)).To(Succeed())

		row = cells(getTable(ctx, "cleanuppolicies", policy.Name))
		Expect(row).To(HaveKeyWithValue("Deleted", BeNumerically("==", 12)))
		Expect(row).To(HaveKeyWithValue("Last Schedule", Not(BeEmpty())))
	})
})
