package store

import (
	"context"
	"testing"
	"time"
)

type workValue struct{}

// Afterwork keeps the work's values, outlives its cancellation, and ends
// with the budget attached to it; without one it has no deadline.
func TestAfterwork(t *testing.T) {
	budgetEnd := time.Now().Add(time.Hour)
	budget, cancelBudget := context.WithDeadline(context.Background(), budgetEnd)
	work, cancelWork := context.WithCancel(context.WithValue(WithAfterwork(context.Background(), budget), workValue{}, "v"))
	cancelWork()

	after := Afterwork(work)
	if after.Err() != nil {
		t.Fatalf("ended with the work: %v", after.Err())
	}
	if after.Value(workValue{}) != "v" {
		t.Fatal("lost the work's values")
	}
	if dl, ok := after.Deadline(); !ok || !dl.Equal(budgetEnd) {
		t.Fatalf("deadline %v %v; want the budget's %v", dl, ok, budgetEnd)
	}
	cancelBudget()
	select {
	case <-after.Done():
	default:
		t.Fatal("outlived its budget")
	}

	plain, cancel := context.WithCancel(context.Background())
	cancel()
	if free := Afterwork(plain); free.Err() != nil {
		t.Fatalf("without a budget: %v", free.Err())
	} else if _, ok := free.Deadline(); ok {
		t.Fatal("without a budget: a deadline")
	}
}
