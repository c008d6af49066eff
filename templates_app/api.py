"""Read-only API: published templates, the version each sends with, and its personalisation
schema, for client systems that raise events (granted `template.api`). Organisation-scoped;
the list is paginated in the database; errors are problem documents."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request

from notifyadmin.accounts.access import Access
from notifyadmin.accounts.roles import Permission
from notifyadmin.accounts.selectors import get_in_organisation_or_404
from notifyadmin.integrations.authentication import ClientSystemAPI, api_actor
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


class PublishedTemplateListView(ClientSystemAPI, generics.ListAPIView):  # type: ignore[type-arg]
    """Templates of your organisation that have a published version, by name, one page at a time."""

    access = Access(permission=Permission.TEMPLATE_API)
    serializer_class = PublishedTemplateSerializer

    def get_queryset(self) -> Any:
        organisation = api_actor(self.request).acting_organisation
        return selectors.published_templates_of(organisation=organisation).order_by("name", "id")

    @extend_schema(summary="List published templates", tags=["templates"])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        return super().get(request, *args, **kwargs)


class PublishedTemplateDetailView(ClientSystemAPI, generics.RetrieveAPIView):  # type: ignore[type-arg]
    """One published template and the version it sends with; 404 when none is published."""

    access = Access(permission=Permission.TEMPLATE_API)
    serializer_class = PublishedTemplateSerializer

    def get_object(self) -> MessageTemplate:
        organisation = api_actor(self.request).acting_organisation
        return get_in_organisation_or_404(
            selectors.published_templates_of(organisation=organisation),
            organisation=organisation,
            id=self.kwargs["template_id"],
        )

    @extend_schema(summary="Get a published template", tags=["templates"])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        return super().get(request, *args, **kwargs)
