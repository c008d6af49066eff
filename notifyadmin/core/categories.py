"""The categories of message an organisation sends: what a template is for, and what a
patient's preferences are set per. One list, shared by templates_app and preferences."""

from django.db import models


class MessageCategory(models.TextChoices):
    APPOINTMENTS = "appointments", "Appointments"
    TEST_RESULTS = "test_results", "Test results"
    SCREENING = "screening", "Screening"
    PRESCRIPTIONS = "prescriptions", "Prescriptions"
    SERVICE_UPDATES = "service_updates", "Service updates"
    CAMPAIGNS_SURVEYS = "campaigns_surveys", "Campaigns and surveys"
