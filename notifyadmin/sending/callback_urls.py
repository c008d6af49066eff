from django.urls import path

from notifyadmin.sending import callbacks

app_name = "callbacks"

urlpatterns = [
    path("message-status", callbacks.message_status, name="message-status"),
    path("channel-status", callbacks.channel_status, name="channel-status"),
]
