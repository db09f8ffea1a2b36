from rest_framework import serializers

from core.api import InputSerializer, ModelSerializer

from ..models import RollupReport


class RollupReportSerializer(ModelSerializer):
    committee_name = serializers.CharField(source="committee.name", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = RollupReport
        fields = ["id", "committee", "committee_name", "kind", "kind_label", "label", "period_start", "period_end",
                  "status", "status_label", "progress", "requested_on_demand", "finished_at", "download_url"]
        read_only_fields = fields

    def get_download_url(self, obj) -> str:
        from django.urls import reverse

        if obj.status != RollupReport.Status.DONE:
            return ""
        request = self.context.get("request")
        url = reverse("dashboard-rollup-download", args=[obj.pk])
        return request.build_absolute_uri(url) if request else url


class RollupRequestSerializer(InputSerializer):
    kind = serializers.ChoiceField(choices=RollupReport.Kind.choices)
    period = serializers.CharField(help_text="月报如 2026-10，季报如 2026-Q3，年报如 2025")
    committee = serializers.IntegerField()
