package report

import (
	"encoding/json"
	"fmt"
	"strings"
)

type ReportService struct {
	store *Store
	title string
}

func NewReportService(path string) *ReportService {
	return &ReportService{store: NewStore(path), title: "Report"}
}

func (s *ReportService) Render(format string) (string, error) {
	rows := s.store.Rows()
	switch format {
	case "csv":
		return strings.Join(rows, ","), nil
	case "json":
		out, err := json.Marshal(rows)
		return string(out), err
	case "text":
		return strings.Join(rows, "\n"), nil
	}
	return "", fmt.Errorf("unknown format %s", format)
}

func (s *ReportService) Heading() string {
	return strings.ToUpper(s.title)
}
