"""Placeholder app: the features/model issue replaces it with the model explorer."""
import os

import streamlit as st

st.title("OneRing")
st.write("The model app is not deployed yet.")
st.caption(f"Model service: {os.environ.get('ONERING_MODEL_URL', 'not configured')}")
