"""Rule-set pages (list, detail, draft editing, validation, trial, simulation, publishing)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
