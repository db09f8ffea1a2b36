from django.urls import path

from . import views

app_name = "members"

urlpatterns = [
    path("me/points/", views.my_points, name="my-points"),
]
