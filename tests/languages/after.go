package report

import (
	"fmt"
	"strings"
)

type Renderer interface {
	Render(rows []string) (string, error)
}

type RenderFunc func(rows []string) (string, error)

func toCSV(rows []string) (string, error) { return strings.Join(rows, ","), nil }

func toText(rows []string) (string, error) { return strings.Join(rows, "\n"), nil }

var renderers = map[string]RenderFunc{
	"csv":  toCSV,
	"text": toText,
}

type ReportService struct {
	store    *Store
	fallback Renderer
}

func NewReportService(store *Store, fallback Renderer) *ReportService {
	return &ReportService{store: store, fallback: fallback}
}

func (s *ReportService) Render(format string) (string, error) {
	rows := s.store.Rows()
	if renderer, ok := renderers[format]; ok {
		return renderer(rows)
	}
	if s.fallback != nil {
		return s.fallback.Render(rows)
	}
	return "", fmt.Errorf("unknown format %s", format)
}
