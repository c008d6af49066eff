"""Read-only API: published templates, the version each sends with, and its personalisation
schema, for client systems that raise events. Organisation-scoped."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request

from notifyadmin.accounts.access import Access
from notifyadmin.accounts.roles import Permission
from notifyadmin.accounts.selectors import get_in_organisation_or_404
from templates_app import selectors
from templates_app.models import MessageTemplate, TemplateVersion, VersionContent


class PersonalisationFieldSerializer(serializers.Serializer):  # type: ignore[type-arg]
    name = serializers.CharField()
    type = serializers.CharField()
    max_length = serializers.IntegerField()
    personal_data = serializers.CharField()
    sample_value = serializers.CharField()


class ContentSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = VersionContent
        fields = ["channel", "language", "subject", "body"]


class PublishedVersionSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    number = serializers.CharField(read_only=True)
    personalisation_schema = PersonalisationFieldSerializer(many=True, read_only=True)
    contents = ContentSerializer(many=True, read_only=True)

    class Meta:
        model = TemplateVersion
        fields = ["id", "number", "content_hash", "channels", "personalisation_schema", "contents", "published_at"]


class PublishedTemplateSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    published_version = PublishedVersionSerializer(read_only=True)

    class Meta:
        model = MessageTemplate
        fields = [
            "id",
            "name",
            "purpose",
            "sensitivity",
            "is_critical",
            "send_any_time",
            "send_window_start",
            "send_window_end",
            "routing_plan_id",
            "channels",
            "published_version",
        ]


class PublishedTemplateListView(generics.ListAPIView):  # type: ignore[type-arg]
    """Templates of your organisation that have a published version."""

    access = Access(permission=Permission.TEMPLATE_VIEW)
    serializer_class = PublishedTemplateSerializer
    pagination_class = None

    def get_queryset(self) -> Any:
        return selectors.published_templates_of(organisation=self.request._request.organisation)  # type: ignore[attr-defined]

    @extend_schema(summary="List published templates", tags=["templates"])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        return super().get(request, *args, **kwargs)


class PublishedTemplateDetailView(generics.RetrieveAPIView):  # type: ignore[type-arg]
    """One published template and the version it sends with; 404 when none is published."""

    access = Access(permission=Permission.TEMPLATE_VIEW)
    serializer_class = PublishedTemplateSerializer

    def get_object(self) -> MessageTemplate:
        return get_in_organisation_or_404(
            selectors.published_templates_of(organisation=self.request._request.organisation),  # type: ignore[attr-defined]
            organisation=self.request._request.organisation,  # type: ignore[attr-defined]
            id=self.kwargs["template_id"],
        )

    @extend_schema(summary="Get a published template", tags=["templates"])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        return super().get(request, *args, **kwargs)
